import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { ThreadPageCache } from '../../src/comments/thread-cache.js'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { StreamHub } from '../../src/stream/stream.hub.js'
import type { Deps } from '../../src/deps.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'
import { SseReader } from '../helpers/sse.js'

// Live updates (issue 15 item 3): GET /api/stream, comment / update / remove events.

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
})
afterAll(() => t.close())

type AnyApp = { request: (path: string, init?: RequestInit) => Response | Promise<Response> }
async function open(app: AnyApp, uri: string, headers: Record<string, string> = {}) {
  const res = await app.request(`/api/stream?site=news&uri=${encodeURIComponent(uri)}`, { headers: { 'x-test-ip': '192.0.2.10', ...headers } })
  return { res, sse: res.status === 200 ? new SseReader(res) : null }
}
const otherServer = (over: Partial<Deps> = {}) => createApp({ ...t.deps, threadCache: new ThreadPageCache(1000), stream: undefined, ...over })
async function post(over: Record<string, unknown>) {
  t.clock.advanceSeconds(1)
  const res = await t.request('POST', '/api/comments', { json: newComment(over) })
  return (await res.json()) as { comment: any; editToken: string }
}
async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('GET /api/stream', () => {
  it('streams comment, update and remove events of one thread, as public comments', async () => {
    const uri = '/live/one'
    const { res, sse } = await open(t.app, uri, { origin: NEWS_ORIGIN })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    await sse!.waitFor((e) => e.event === 'ready')
    try {
      const first = await post({ uri, body: 'Live *one*', email: 'live.secret@example.org' })
      const created = await sse!.waitFor((e) => e.event === 'comment' && e.id === first.comment.id)
      const c = JSON.parse(created.data)
      expect(c).toMatchObject({ id: first.comment.id, html: '<p>Live <em>one</em></p>', status: 'approved', upvotes: 0, author: { badge: null } })
      expect(created.data).not.toContain('live.secret')
      // Another thread's comment is not sent here.
      await post({ uri: '/live/elsewhere' })
      t.clock.advanceSeconds(1)
      const edit = await t.request('PATCH', `/api/comments/${first.comment.id}`, { json: { body: 'Live, edited' }, headers: { authorization: `Bearer ${first.editToken}` } })
      expect(edit.status).toBe(200)
      const updated = await sse!.waitFor((e) => e.event === 'update' && e.id === first.comment.id)
      expect(JSON.parse(updated.data).html).toBe('<p>Live, edited</p>')
      // A comment held as it is posted was never on show: no event; its later approval is a `comment`.
      const site = await getSite(t.deps.db, 'news')
      await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, moderationMode: 'pre' })
      const held = await post({ uri })
      await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, moderationMode: 'post' })
      t.clock.advanceSeconds(1)
      await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [held.comment.id], action: 'approve', actor: null }))
      await sse!.waitFor((e) => e.event === 'comment' && e.id === held.comment.id)
      t.clock.advanceSeconds(1)
      await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [first.comment.id], action: 'reject', actor: null }))
      const removed = await sse!.waitFor((e) => e.event === 'remove' && e.id === first.comment.id)
      expect(JSON.parse(removed.data)).toEqual({ id: first.comment.id })
      const kinds = sse!.events.filter((e) => e.event !== 'ready').map((e) => [e.event, e.id])
      expect(kinds).toEqual([
        ['comment', first.comment.id],
        ['update', first.comment.id],
        ['comment', held.comment.id],
        ['remove', first.comment.id],
      ])
    } finally {
      await sse!.close()
    }
  })

  it('a comment through another server on the same database reaches this server’s streams (the poll)', async () => {
    const uri = '/live/two-servers'
    const here = otherServer()
    const { sse } = await open(here, uri)
    await sse!.waitFor((e) => e.event === 'ready')
    try {
      // Posted through t.app: `here` hears of it only from the database.
      const c = await post({ uri })
      await sse!.waitFor((e) => e.event === 'comment' && e.id === c.comment.id)
    } finally {
      await sse!.close()
    }
  })

  it('forgets a connection when the client goes away', async () => {
    const hub = new StreamHub(t.deps, { pollMs: 200 })
    const app = otherServer({ stream: hub })
    const { sse } = await open(app, '/live/bye')
    await sse!.waitFor((e) => e.event === 'ready')
    expect(hub.size).toBe(1)
    await sse!.close()
    await until(() => hub.size === 0)
  })

  it('caps open connections: 503 unavailable with Retry-After past the cap', async () => {
    const app = otherServer({ stream: new StreamHub(t.deps, { maxConnections: 1 }) })
    const one = await open(app, '/live/cap')
    await one.sse!.waitFor((e) => e.event === 'ready')
    const two = await open(app, '/live/cap')
    expect(two.res.status).toBe(503)
    expect((await two.res.json()).error.code).toBe('unavailable')
    expect(two.res.headers.get('retry-after')).toBe('30')
    await one.sse!.close()
  })

  it('where streams cannot be held (Workers) answers 204 with X-Parley-Live: poll, and GET /api/comments polls with ETag/304', async () => {
    const app = otherServer({ stream: null })
    const { res } = await open(app, '/live/workers', { origin: NEWS_ORIGIN })
    expect(res.status).toBe(204)
    expect(res.headers.get('x-parley-live')).toBe('poll')
    expect(Number(res.headers.get('x-parley-poll-seconds'))).toBeGreaterThan(0)
    expect(res.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    expect(res.headers.get('access-control-expose-headers')).toMatch(/X-Parley-Live/)
    await post({ uri: '/live/workers' })
    const read = await app.request('/api/comments?site=news&uri=/live/workers', { headers: { 'x-test-ip': '192.0.2.11' } })
    const etag = read.headers.get('etag')!
    expect(etag).toBeTruthy()
    expect((await app.request('/api/comments?site=news&uri=/live/workers', { headers: { 'x-test-ip': '192.0.2.11', 'if-none-match': etag } })).status).toBe(304)
  })

  it('tells pollers how often to ask: LIVE_POLL_SECONDS (15 by default)', async () => {
    expect(t.deps.config.livePollSeconds).toBe(15)
    const quick = otherServer({ stream: null, config: { ...t.deps.config, livePollSeconds: 4 } })
    const { res } = await open(quick, '/live/quick', { origin: NEWS_ORIGIN })
    expect(res.status).toBe(204)
    expect(res.headers.get('x-parley-poll-seconds')).toBe('4')
  })

  it('refuses bad input: 400 without a uri, 404 for an unknown site, 403 from another origin', async () => {
    expect((await t.request('GET', '/api/stream?site=news')).status).toBe(400)
    expect((await t.request('GET', '/api/stream?site=nosuch&uri=/a')).status).toBe(404)
    expect((await t.request('GET', '/api/stream?site=news&uri=/a', { headers: { origin: 'https://evil.example' } })).status).toBe(403)
  })
})
