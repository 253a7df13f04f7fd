import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedModeratorSession } from '../helpers/seed.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

/**
 * TRUST_PROXY through a real listener: real sockets (127.0.0.1), real X-Forwarded-For headers.
 * A client may write any X-Forwarded-For it likes; rotating it must never make it a new address.
 */

let n = 0
const comment = (over: Record<string, unknown> = {}) => {
  n++
  return { site: 'demo', uri: '/2026/11/proxy', title: 'Proxies', body: `Comment ${n} about proxies.`, name: `Reader ${n}`, email: `proxy-reader-${n}@example.org`, ...over }
}

function client(s: TestServer) {
  const send = (method: string, path: string, opts: { json?: unknown; xff?: string; cookie?: string } = {}) =>
    fetch(s.url + path, {
      method,
      headers: {
        ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.xff !== undefined ? { 'x-forwarded-for': opts.xff } : {}),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
      },
      ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    })
  return {
    post: (xff?: string, over: Record<string, unknown> = {}) => send('POST', '/api/comments', { json: comment(over), ...(xff !== undefined ? { xff } : {}) }),
    report: (id: string, xff: string) => send('POST', `/api/comments/${id}/report`, { json: { reason: 'spam' }, xff }),
    login: (email: string, xff: string) => send('POST', '/api/auth/login', { json: { email, password: 'wrong password' }, xff }),
    ban: (commentId: string, cookie: string) => send('POST', '/api/mod/bans', { json: { site: 'demo', ip: commentId, reason: 'test' }, cookie }),
  }
}

async function ipKeyOf(s: TestServer, id: string): Promise<string | null> {
  const row = await s.deps.db.selectFrom('comments').select('ip_key').where('id', '=', id).executeTakeFirstOrThrow()
  return row.ip_key
}

const rotating = (i: number) => `203.0.113.${(i % 250) + 1}`

/** Posts 21 published comments (no flood control meanwhile) and returns their ids. */
async function publishedComments(s: TestServer, xffOf: (i: number) => string): Promise<string[]> {
  await s.setDemoSettings({ moderationMode: 'post', floodSeconds: 0 })
  const ids: string[] = []
  for (let i = 0; i < 21; i++) {
    const res = await client(s).post(xffOf(i), { uri: '/2026/11/reported' })
    expect(res.status).toBe(201)
    ids.push(((await res.json()) as any).comment.id)
  }
  return ids
}

describe('TRUST_PROXY off (the default): X-Forwarded-For is ignored', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(() => s.close())

  it('keys the comment by the socket address, not the header', async () => {
    const res = await client(s).post('198.51.100.99')
    expect(res.status).toBe(202)
    const id = ((await res.json()) as any).comment.id
    expect(await ipKeyOf(s, id)).toBe(await s.deps.keys.ipKey('127.0.0.1'))
    expect(await ipKeyOf(s, id)).not.toBe(await s.deps.keys.ipKey('198.51.100.99'))
  })

  it('does not let a rotated header evade flood control', async () => {
    await s.setDemoSettings({ moderationMode: 'trusted', floodSeconds: 60 })
    const res = await client(s).post('198.51.100.1')
    expect(res.status).toBe(429)
    expect((await client(s).post('198.51.100.2')).status).toBe(429)
  })

  it('does not let a rotated header evade a ban on the address', async () => {
    await s.setDemoSettings({ floodSeconds: 0 })
    const first = await client(s).post('198.51.100.10')
    const id = ((await first.json()) as any).comment.id
    const cookie = await seedModeratorSession(s.deps)
    expect((await client(s).ban(id, cookie)).status).toBe(201)
    const res = await client(s).post('198.51.100.11')
    expect(res.status).toBe(403)
    expect(((await res.json()) as any).error.code).toBe('banned')
    await s.deps.db.deleteFrom('bans').execute()
  })

  it('does not let a rotated header evade the report limit', async () => {
    const ids = await publishedComments(s, rotating)
    for (let i = 0; i < 20; i++) expect((await client(s).report(ids[i]!, rotating(i))).status).toBe(202)
    const res = await client(s).report(ids[20]!, rotating(99))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
  })

  it('does not let a rotated header evade the sign-in limit', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await client(s).login(`nobody-${i}@example.org`, rotating(i))).status)
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    expect(statuses).toContain(429)
  })
})

describe('TRUST_PROXY=1: the address the proxy added (right-most) is the client', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ env: { TRUST_PROXY: '1' } })
  })
  afterAll(() => s.close())

  // What a real proxy in front sends: whatever the client wrote, then the peer it saw.
  const viaProxy = (clientWrote: string, peer: string) => (clientWrote ? `${clientWrote}, ${peer}` : peer)

  it('keys the comment by the proxy-added address', async () => {
    const res = await client(s).post(viaProxy('6.6.6.6', '198.51.100.7'))
    expect(res.status).toBe(202)
    const id = ((await res.json()) as any).comment.id
    expect(await ipKeyOf(s, id)).toBe(await s.deps.keys.ipKey('198.51.100.7'))
  })

  it('tells real clients apart, and a rotated left part does not evade flood control', async () => {
    await s.setDemoSettings({ floodSeconds: 60 })
    expect((await client(s).post(viaProxy('7.7.7.7', '198.51.100.7'))).status).toBe(429)
    expect((await client(s).post(viaProxy('', '198.51.100.7'))).status).toBe(429)
    // Another client behind the same proxy is another address.
    expect((await client(s).post(viaProxy('198.51.100.7', '198.51.100.8'))).status).toBe(202)
  })

  it('does not let a rotated left part evade a ban', async () => {
    await s.setDemoSettings({ floodSeconds: 0 })
    const first = await client(s).post(viaProxy('', '198.51.100.20'))
    const id = ((await first.json()) as any).comment.id
    expect((await client(s).ban(id, await seedModeratorSession(s.deps))).status).toBe(201)
    expect((await client(s).post(viaProxy('1.2.3.4', '198.51.100.20'))).status).toBe(403)
    expect((await client(s).post(viaProxy('198.51.100.20', '198.51.100.21'))).status).toBe(202)
    await s.deps.db.deleteFrom('bans').execute()
  })

  it('does not let a rotated left part evade the report limit', async () => {
    const ids = await publishedComments(s, (i) => viaProxy('', `192.0.2.${i + 1}`))
    for (let i = 0; i < 20; i++) expect((await client(s).report(ids[i]!, viaProxy(rotating(i), '198.51.100.30'))).status).toBe(202)
    expect((await client(s).report(ids[20]!, viaProxy(rotating(77), '198.51.100.30'))).status).toBe(429)
    // Another reader is not limited by the first one's reports.
    expect((await client(s).report(ids[20]!, viaProxy('', '198.51.100.31'))).status).toBe(202)
  })

  it('does not let a rotated left part evade the sign-in limit', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await client(s).login(`nobody-${i}@example.org`, viaProxy(rotating(i), '198.51.100.40'))).status)
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    expect(statuses).toContain(429)
  })
})

describe('TRUST_PROXY as a list of proxy addresses', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1/32, 10.0.0.0/8' } })
  })
  afterAll(() => s.close())

  it('skips every trusted proxy from the right and takes the first address it does not trust', async () => {
    const res = await client(s).post('6.6.6.6, 198.51.100.50, 10.1.2.3')
    const id = ((await res.json()) as any).comment.id
    expect(await ipKeyOf(s, id)).toBe(await s.deps.keys.ipKey('198.51.100.50'))
    await s.setDemoSettings({ floodSeconds: 60 })
    expect((await client(s).post('9.9.9.9, 198.51.100.50, 10.1.2.3')).status).toBe(429)
  })
})
