import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server.js'

/**
 * A refused request whose body the server did not read (413 too large, 415 wrong type, a /mod
 * form over its limit) must not break the client's keep-alive connection: either the body is
 * drained and the socket reused, or the answer says `Connection: close`. Checked with a real
 * keep-alive socket: the next request on it must succeed.
 */
let s: TestServer
let agent: http.Agent
beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  agent?.destroy()
  await s.close()
})

interface Answer {
  status: number
  connection: string | undefined
  reusedSocket: boolean
  body: string
}

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, s.url)
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, reusedSocket: req.reusedSocket, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')))
    if (body !== undefined) req.end(body)
    else req.end()
  })
}

const big = (bytes: number) => Buffer.alloc(bytes, 'a')

describe.each([
  ['413: a 2 MB JSON post', 'POST', '/api/comments', { 'content-type': 'application/json' }, () => big(2 * 1024 * 1024), 413],
  ['415: a large text/plain post', 'POST', '/api/comments', { 'content-type': 'text/plain' }, () => big(900 * 1024), 415],
  ['413: a /mod form over 256 KB', 'POST', '/mod/login', { 'content-type': 'application/x-www-form-urlencoded', origin: '' }, () => `email=${'a'.repeat(400 * 1024)}`, 413],
  ['401: a large moderator action without a session', 'POST', '/api/mod/comments/x/actions', { 'content-type': 'application/json' }, () => `{"action":"approve","pad":"${'a'.repeat(600 * 1024)}"}`, 401],
] as const)('after %s', (_, method, path, headers, body, status) => {
  it('the next request on the same keep-alive socket succeeds', async () => {
    agent?.destroy()
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    // Warm the socket so the refused request and the next one both ride an existing connection.
    const warm = await send('GET', '/healthz', {})
    expect(warm.status).toBe(200)
    const h: Record<string, string> = { ...headers }
    if (h.origin === '') h.origin = s.url
    const refused = await send(method, path, h, body())
    expect(refused.status).toBe(status)
    expect(refused.body.length).toBeGreaterThan(0)
    // Either the socket stays usable, or the server said it would close it.
    for (let i = 0; i < 3; i++) {
      const next = await send('GET', '/api/counts?site=demo&uri=/a', {})
      expect(next.status).toBe(200)
    }
    // The body was read and dropped: the connection stays open and is used again.
    expect(refused.connection).toBe('keep-alive')
    const again = await send('GET', '/healthz', {})
    expect(again.reusedSocket).toBe(true)
  })
})

describe('after a body larger than the server drains (12 MB)', () => {
  it('answers 413 with Connection: close, and the client goes on with a new connection', async () => {
    agent?.destroy()
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    expect((await send('GET', '/healthz', {})).status).toBe(200)
    const refused = await send('POST', '/api/comments', { 'content-type': 'application/json' }, big(12 * 1024 * 1024))
    expect(refused.status).toBe(413)
    expect(refused.connection).toBe('close')
    const next = await send('GET', '/api/counts?site=demo&uri=/a', {})
    expect(next.status).toBe(200)
    expect(next.reusedSocket).toBe(false)
  })
})
