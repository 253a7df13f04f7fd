import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite } from '../../src/sites/site.service.js'
import { startWorkerHarness, type WorkerHarness } from './harness.js'
import { requirePostgres, skipWithoutPostgres } from '../helpers/require.js'


const NEWS = 'https://news.example'
const URI = '/2026/11/cartels'

let h: WorkerHarness
let n = 0

/** A valid comment; every call a distinct author and text. */
function comment(over: Record<string, unknown> = {}) {
  n++
  return { site: 'news', uri: URI, title: 'Operations against the cartels', body: `Worker comment ${n}.`, name: `Reader ${n}`, email: `reader${n}@example.org`, ...over }
}

/** Real HTTP into workerd; each request from its own client IP so flood control stays out of the way. */
async function request(method: string, path: string, opts: { json?: unknown; headers?: Record<string, string>; body?: string } = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': `198.51.100.${(n++ % 250) + 1}`, ...opts.headers }
  let body = opts.body
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers['content-type'] ??= 'application/json'
  }
  return fetch(new URL(path, h.url), { method, headers, ...(body !== undefined ? { body } : {}) })
}

describe.skipIf(skipWithoutPostgres('the public API in workerd'))('the public API in workerd against PostgreSQL', () => {
  beforeAll(async () => {
    h = await startWorkerHarness(requirePostgres('The Workers suite'), { PUBLIC_URL: 'http://parley.test' })
    const now = new Date()
    await addSite(h.db, { id: 'news', name: 'News', origins: [NEWS], settings: { moderationMode: 'post' } }, now)
    await addSite(h.db, { id: 'held', name: 'Held', origins: [NEWS] }, now)
  })
  afterAll(async () => {
    await h?.close()
  })

  // Without the warm-up query in src/db/postgres.ts this first query never settles in workerd.
  it('answers /healthz from the database (the first query does not hang)', { timeout: 30_000 }, async () => {
    const res = await request('GET', '/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('publishes a comment at once (201) and lists it without the email', async () => {
    const body = comment()
    const res = await request('POST', '/api/comments', { json: body })
    expect(res.status).toBe(201)
    const posted = await res.json()
    expect(posted.comment.status).toBe('approved')
    expect(posted.editToken).toEqual(expect.any(String))
    expect(JSON.stringify(posted)).not.toContain(body.email)

    const list = await request('GET', `/api/comments?site=news&uri=${URI}`)
    expect(list.status).toBe(200)
    expect(list.headers.get('etag')).toBeTruthy()
    const view = await list.json()
    expect(view.thread).toMatchObject({ uri: URI, commentCount: 1 })
    expect(view.comments.map((c: { id: string }) => c.id)).toEqual([posted.comment.id])
    expect(view.comments[0].html).toContain(`Worker comment`)
    expect(JSON.stringify(view)).not.toContain(body.email)

    const again = await request('GET', `/api/comments?site=news&uri=${URI}`, { headers: { 'if-none-match': list.headers.get('etag')! } })
    expect(again.status).toBe(304)
  })

  it('holds a first comment on a trusted-mode site (202), visible only with its edit token', async () => {
    const res = await request('POST', '/api/comments', { json: comment({ site: 'held', uri: '/held' }) })
    expect(res.status).toBe(202)
    const posted = await res.json()
    expect(posted.comment.status).toBe('pending')

    const anonymous = await (await request('GET', '/api/comments?site=held&uri=/held')).json()
    expect(anonymous.comments).toEqual([])
    const own = await request('GET', '/api/comments?site=held&uri=/held', { headers: { authorization: `Bearer ${posted.editToken}` } })
    expect((await own.json()).comments.map((c: { status: string }) => c.status)).toEqual(['pending'])
  })

  it('counts approved comments per page, in request order, zero for unknown pages', async () => {
    const res = await request('GET', `/api/counts?site=news&uri=/nowhere&uri=${URI}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ counts: [{ uri: '/nowhere', count: 0 }, { uri: URI, count: 1 }] })
  })

  it('edits with the edit token (fresh token back; the old one stops working)', async () => {
    const posted = await (await request('POST', '/api/comments', { json: comment({ uri: '/edits' }) })).json()
    const res = await request('PATCH', `/api/comments/${posted.comment.id}`, {
      json: { body: 'Edited at the edge.' },
      headers: { authorization: `Bearer ${posted.editToken}` },
    })
    expect(res.status).toBe(200)
    const edited = await res.json()
    expect(edited.comment.html).toContain('Edited at the edge.')
    expect(edited.editToken).toEqual(expect.any(String))
    expect(edited.editToken).not.toBe(posted.editToken)

    const stale = await request('PATCH', `/api/comments/${posted.comment.id}`, {
      json: { body: 'Again.' },
      headers: { authorization: `Bearer ${posted.editToken}` },
    })
    expect(stale.status).toBe(403)
    expect((await stale.json()).error.code).toBe('forbidden')
  })

  it('takes a report (202) and stores it', async () => {
    const posted = await (await request('POST', '/api/comments', { json: comment({ uri: '/reports' }) })).json()
    const res = await request('POST', `/api/comments/${posted.comment.id}/report`, { json: { reason: 'spam', details: 'Selling watches.' } })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ ok: true })
    const rows = await h.db.selectFrom('reports').select(['comment_id', 'reason']).where('comment_id', '=', posted.comment.id).execute()
    expect(rows).toEqual([{ comment_id: posted.comment.id, reason: 'spam' }])
  })

  it('answers a validation error in the contract shape (400, one entry per bad field)', async () => {
    const res = await request('POST', '/api/comments', { json: comment({ email: 'not-an-email', body: '   ' }) })
    expect(res.status).toBe(400)
    const { error } = await res.json()
    expect(error.code).toBe('validation_failed')
    expect(error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body', 'email'])
  })

  it('refuses a non-JSON state-changing request with 415', async () => {
    const res = await request('POST', '/api/comments', { body: 'body=hi', headers: { 'content-type': 'text/plain' } })
    expect(res.status).toBe(415)
    expect((await res.json()).error.code).toBe('unsupported_media_type')
  })

  it('CORS: the site origin gets Access-Control-Allow-Origin, another origin is refused', async () => {
    const ok = await request('GET', `/api/comments?site=news&uri=${URI}`, { headers: { origin: NEWS } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS)

    const preflight = await request('OPTIONS', '/api/comments', {
      headers: { origin: NEWS, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(NEWS)

    const other = await request('GET', `/api/comments?site=news&uri=${URI}`, { headers: { origin: 'https://evil.example' } })
    expect(other.status).toBe(403)
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    expect((await other.json()).error.code).toBe('forbidden')

    const otherPreflight = await request('OPTIONS', '/api/comments', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(otherPreflight.status).toBe(403)
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('serves many requests at once, each on its own connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 ? request('GET', `/api/counts?site=news&uri=${URI}`) : request('POST', '/api/comments', { json: comment({ uri: '/busy' }) }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 ? 200 : 201)))
    const count = await h.db.selectFrom('comments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    expect(Number(count.n)).toBeGreaterThanOrEqual(6)
  })

  it('takes the client IP from CF-Connecting-IP (flood control counts per IP)', async () => {
    const ip = '203.0.113.77'
    const first = await request('POST', '/api/comments', { json: comment({ uri: '/flood' }), headers: { 'cf-connecting-ip': ip } })
    expect(first.status).toBe(201)
    const second = await request('POST', '/api/comments', { json: comment({ uri: '/flood' }), headers: { 'cf-connecting-ip': ip } })
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBeTruthy()
  })

  it('runs the cron trigger (scheduled handler) to completion', async () => {
    // wrangler's local trigger for cron handlers (startWorker's own `scheduled()` cannot find the worker).
    const res = await fetch(new URL('/cdn-cgi/handler/scheduled?cron=*+*+*+*+*', h.url))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('ok')
  })
})
