import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonb } from '../../src/db/index.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
})
afterAll(() => t.close())

async function post(body: Record<string, unknown>) {
  t.clock.advanceSeconds(1)
  const res = await t.request('POST', '/api/comments', { json: body })
  return (await res.json()) as any
}
const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.request('GET', path, { headers })
  return { res, body: res.status === 304 ? null : ((await res.json()) as any) }
}

describe('GET /api/comments', () => {
  it('answers an unknown thread with 200, an empty list and count 0', async () => {
    const { res, body } = await get('/api/comments?site=news&uri=/nothing-here')
    expect(res.status).toBe(200)
    expect(body).toEqual({ thread: { uri: '/nothing-here', title: '', commentCount: 0, closed: false }, comments: [], nextCursor: null })
  })

  it('lists in display order: each top-level comment, then its replies depth-first, oldest first', async () => {
    const uri = '/order'
    const a = (await post(newComment({ uri, body: 'A' }))).comment.id
    const b = (await post(newComment({ uri, body: 'B' }))).comment.id
    const a1 = (await post(newComment({ uri, body: 'A1', parentId: a }))).comment.id
    const b1 = (await post(newComment({ uri, body: 'B1', parentId: b }))).comment.id
    const a2 = (await post(newComment({ uri, body: 'A2', parentId: a }))).comment.id
    const a1x = (await post(newComment({ uri, body: 'A1x', parentId: a1 }))).comment.id
    const { body } = await get(`/api/comments?site=news&uri=${uri}/`)
    expect(body.comments.map((c: any) => c.id)).toEqual([a, a1, a1x, a2, b, b1])
    expect(body.comments.map((c: any) => c.depth)).toEqual([0, 1, 2, 1, 0, 1])
    expect(body.comments[0].replyCount).toBe(2)
    expect(body.thread.commentCount).toBe(6)
    const newest = await get(`/api/comments?site=news&uri=${uri}&sort=newest`)
    expect(newest.body.comments.map((c: any) => c.id)).toEqual([b, b1, a, a1, a1x, a2])
  })

  it('pages by top-level comment, each page carrying all their replies', async () => {
    const uri = '/paged'
    const tops: string[] = []
    for (let i = 0; i < 5; i++) {
      const id = (await post(newComment({ uri, body: `top ${i}` }))).comment.id
      tops.push(id)
      await post(newComment({ uri, body: `reply to ${i}`, parentId: id }))
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const { body } = await get(`/api/comments?site=news&uri=${uri}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      const pageTops = body.comments.filter((c: any) => c.depth === 0).map((c: any) => c.id)
      expect(pageTops.length).toBeLessThanOrEqual(2)
      expect(body.comments.length).toBe(pageTops.length * 2)
      seen.push(...pageTops)
      cursor = body.nextCursor
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBe(3)
    expect(seen).toEqual(tops)
  })

  it('refuses a forged cursor and out-of-range limits with 400', async () => {
    for (const q of ['cursor=%%%', 'cursor=bm9wZQ', 'limit=0', 'limit=201', 'sort=random']) {
      const { res, body } = await get(`/api/comments?site=news&uri=/order&${q}`)
      expect(res.status, q).toBe(400)
      expect(body.error.code).toBe('validation_failed')
    }
  })

  it('answers If-None-Match with 304 until the thread changes', async () => {
    const uri = '/etag'
    await post(newComment({ uri }))
    const first = await get(`/api/comments?site=news&uri=${uri}`)
    const etag = first.res.headers.get('etag')!
    expect(etag).toBeTruthy()
    const again = await get(`/api/comments?site=news&uri=${uri}`, { 'if-none-match': etag })
    expect(again.res.status).toBe(304)
    await post(newComment({ uri }))
    const changed = await get(`/api/comments?site=news&uri=${uri}`, { 'if-none-match': etag })
    expect(changed.res.status).toBe(200)
    expect(changed.body.comments).toHaveLength(2)
  })

  it('shows the requester its own pending comments when it sends their edit tokens', async () => {
    const uri = '/own'
    await t.deps.db.updateTable('sites').set({ settings: jsonb({ moderationMode: 'pre', origins: [NEWS_ORIGIN] }) }).where('id', '=', 'news').execute()
    const one = await post(newComment({ uri, body: 'mine one' }))
    const two = await post(newComment({ uri, body: 'mine two' }))
    await t.deps.db.updateTable('sites').set({ settings: jsonb({ moderationMode: 'post', origins: [NEWS_ORIGIN] }) }).where('id', '=', 'news').execute()
    const anonymous = await get(`/api/comments?site=news&uri=${uri}`)
    expect(anonymous.body.comments).toEqual([])
    const mine = await get(`/api/comments?site=news&uri=${uri}`, { authorization: `Bearer ${one.editToken}, ${two.editToken}` })
    expect(mine.body.comments.map((c: any) => [c.id, c.status])).toEqual([
      [one.comment.id, 'pending'],
      [two.comment.id, 'pending'],
    ])
    expect(mine.body.thread.commentCount).toBe(0)
    expect(mine.res.headers.get('cache-control')).toContain('private')
  })

  it('creates the thread on a first read with a title', async () => {
    const { body } = await get('/api/comments?site=news&uri=/titled&title=A%20headline')
    expect(body.thread.title).toBe('A headline')
    const row = await t.deps.db.selectFrom('threads').selectAll().where('uri', '=', '/titled').executeTakeFirst()
    expect(row?.title).toBe('A headline')
  })

  it('answers 404 for an unknown site and 400 for a missing uri', async () => {
    expect((await get('/api/comments?site=nope&uri=/x')).res.status).toBe(404)
    const { res, body } = await get('/api/comments?site=news')
    expect(res.status).toBe(400)
    expect(body.error.fields[0].path).toBe('uri')
  })
})

describe('edit and delete with the edit token', () => {
  const uri = '/editing'

  it('edits within the window, rotating the token', async () => {
    const c = await post(newComment({ uri, body: 'frist' }))
    const res = await t.request('PATCH', `/api/comments/${c.comment.id}`, { json: { body: 'first' }, headers: { authorization: `Bearer ${c.editToken}` } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as any
    expect(body.comment.html).toBe('<p>first</p>')
    expect(body.comment.editedAt).not.toBeNull()
    expect(body.editToken).not.toBe(c.editToken)
    expect(body.editableUntil).toBe(c.editableUntil)
    const old = await t.request('PATCH', `/api/comments/${c.comment.id}`, { json: { body: 'again' }, headers: { authorization: `Bearer ${c.editToken}` } })
    expect(old.status).toBe(403)
    expect(((await old.json()) as any).error.code).toBe('forbidden')
    const fresh = await t.request('PATCH', `/api/comments/${c.comment.id}`, { json: { body: 'again' }, headers: { authorization: `Bearer ${body.editToken}` } })
    expect(fresh.status).toBe(200)
  })

  it('refuses a wrong or missing token with 403, and keeps the comment', async () => {
    const c = await post(newComment({ uri, body: 'keep me' }))
    const other = await post(newComment({ uri }))
    const variants: Record<string, string>[] = [{}, { authorization: `Bearer ${other.editToken}` }, { authorization: 'Basic abc' }]
    for (const headers of variants) {
      const res = await t.request('PATCH', `/api/comments/${c.comment.id}`, { json: { body: 'hacked' }, headers })
      expect(res.status).toBe(403)
      const del = await t.request('DELETE', `/api/comments/${c.comment.id}`, { headers })
      expect(del.status).toBe(403)
    }
    const row = await t.deps.db.selectFrom('comments').select(['body_md', 'status']).where('id', '=', c.comment.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ body_md: 'keep me', status: 'approved' })
  })

  it('refuses an edit or delete after the window with 403 edit_window_closed', async () => {
    const c = await post(newComment({ uri }))
    t.clock.advanceSeconds(901)
    const auth = { authorization: `Bearer ${c.editToken}` }
    const res = await t.request('PATCH', `/api/comments/${c.comment.id}`, { json: { body: 'late' }, headers: auth })
    expect(res.status).toBe(403)
    expect(((await res.json()) as any).error.code).toBe('edit_window_closed')
    const del = await t.request('DELETE', `/api/comments/${c.comment.id}`, { headers: auth })
    expect(((await del.json()) as any).error.code).toBe('edit_window_closed')
  })

  it('refuses an edit once the comment has a published reply (409 has_replies)', async () => {
    const c = await post(newComment({ uri }))
    await post(newComment({ uri, parentId: c.comment.id }))
    const res = await t.request('PATCH', `/api/comments/${c.comment.id}`, { json: { body: 'changed' }, headers: { authorization: `Bearer ${c.editToken}` } })
    expect(res.status).toBe(409)
    expect(((await res.json()) as any).error.code).toBe('has_replies')
  })

  it('runs the moderation rules again on an edit', async () => {
    const c = await post(newComment({ uri }))
    const res = await t.request('PATCH', `/api/comments/${c.comment.id}`, {
      json: { body: 'now with https://a.example and https://b.example' },
      headers: { authorization: `Bearer ${c.editToken}` },
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).comment.status).toBe('pending')
    const list = await get(`/api/comments?site=news&uri=${uri}`)
    expect(list.body.comments.map((x: any) => x.id)).not.toContain(c.comment.id)
  })

  it('deletes (204); a comment with published replies stays as a tombstone', async () => {
    const u = '/tombstones'
    const lone = await post(newComment({ uri: u }))
    const parent = await post(newComment({ uri: u, body: 'parent text' }))
    const reply = await post(newComment({ uri: u, parentId: parent.comment.id }))
    for (const c of [lone, parent]) {
      const res = await t.request('DELETE', `/api/comments/${c.comment.id}`, { headers: { authorization: `Bearer ${c.editToken}` } })
      expect(res.status).toBe(204)
    }
    const { body } = await get(`/api/comments?site=news&uri=${u}`)
    expect(body.comments.map((c: any) => c.id)).toEqual([parent.comment.id, reply.comment.id])
    expect(body.comments[0]).toMatchObject({ status: 'deleted', html: '', author: { name: '', url: null, avatar: '' } })
    expect(JSON.stringify(body)).not.toContain('parent text')
    expect(body.thread.commentCount).toBe(1)
    // The token is spent with the comment.
    const again = await t.request('DELETE', `/api/comments/${parent.comment.id}`, { headers: { authorization: `Bearer ${parent.editToken}` } })
    expect(again.status).toBe(404)
  })
})

describe('GET /api/counts', () => {
  it('answers in request order with zeros, counting approved comments only', async () => {
    await post(newComment({ uri: '/count-a' }))
    await post(newComment({ uri: '/count-a' }))
    await post(newComment({ uri: '/count-b', hp: 'bot' }))
    const res = await t.request('GET', '/api/counts?site=news&uri=/count-b&uri=/count-a/&uri=/never&uri=/count-a')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      counts: [
        { uri: '/count-b', count: 0 },
        { uri: '/count-a', count: 2 },
        { uri: '/never', count: 0 },
        { uri: '/count-a', count: 2 },
      ],
    })
  })

  it('takes at most 100 uris and at least one', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `uri=/p${i}`).join('&')
    const res = await t.request('GET', `/api/counts?site=news&${many}`)
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error.fields[0].path).toBe('uri')
    expect((await t.request('GET', '/api/counts?site=news')).status).toBe(400)
  })
})

describe('POST /api/comments/:id/report', () => {
  it('accepts a report (202); the comment stays published and enters the reported queue', async () => {
    const c = await post(newComment({ uri: '/reports' }))
    const res = await t.request('POST', `/api/comments/${c.comment.id}/report`, { json: { reason: 'abusive', details: 'rude' } })
    expect(res.status).toBe(202)
    const row = await t.deps.db.selectFrom('comments').select(['status', 'open_reports']).where('id', '=', c.comment.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'approved', open_reports: 1 })
  })

  it('counts the same reporter once, and rate limits a reporter', async () => {
    const c = await post(newComment({ uri: '/reports' }))
    for (let i = 0; i < 3; i++) await t.request('POST', `/api/comments/${c.comment.id}/report`, { json: { reason: 'spam' }, ip: '192.0.2.9' })
    const row = await t.deps.db.selectFrom('comments').select('open_reports').where('id', '=', c.comment.id).executeTakeFirstOrThrow()
    expect(row.open_reports).toBe(1)
    const targets = []
    for (let i = 0; i < 20; i++) targets.push((await post(newComment({ uri: '/reports' }))).comment.id)
    const statuses = []
    for (const id of targets) statuses.push((await t.request('POST', `/api/comments/${id}/report`, { json: { reason: 'spam' }, ip: '192.0.2.10' })).status)
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(202))
    const over = await t.request('POST', `/api/comments/${c.comment.id}/report`, { json: { reason: 'spam' }, ip: '192.0.2.10' })
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('refuses an unknown reason (400) and an unknown comment (404)', async () => {
    const c = await post(newComment({ uri: '/reports' }))
    const bad = await t.request('POST', `/api/comments/${c.comment.id}/report`, { json: { reason: 'boring' } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as any).error.fields[0].path).toBe('reason')
    expect((await t.request('POST', '/api/comments/nosuchcomment/report', { json: { reason: 'spam' } })).status).toBe(404)
  })
})

describe('GET /api/config', () => {
  it("answers the site's public settings", async () => {
    const res = await t.request('GET', '/api/config?site=news')
    expect(await res.json()).toEqual({
      requireNameEmail: true,
      maxDepth: 5,
      editWindowSeconds: 900,
      maxBodyLength: 65_525,
      replyNotifications: true,
      defaultSort: 'oldest',
      downvotes: false,
      formPosition: 'bottom',
      follows: true,
    })
    expect((await t.request('GET', '/api/config?site=nope')).status).toBe(404)
  })
})

describe('CORS', () => {
  it("answers a preflight from the site's origin and refuses others", async () => {
    const ok = await t.request('OPTIONS', '/api/comments', { headers: { origin: NEWS_ORIGIN, 'access-control-request-method': 'POST' } })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
    const bad = await t.request('OPTIONS', '/api/comments', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('allows reads only from listed origins, and lets the widget read errors', async () => {
    const ok = await t.request('GET', '/api/comments?site=news&uri=/order', { headers: { origin: NEWS_ORIGIN } })
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/ETag/)
    const bad = await t.request('GET', '/api/comments?site=news&uri=/order', { headers: { origin: 'https://evil.example' } })
    expect(bad.status).toBe(403)
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()
    const invalid = await t.request('POST', '/api/comments', { json: { site: 'news' }, headers: { origin: NEWS_ORIGIN } })
    expect(invalid.status).toBe(400)
    expect(invalid.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
  })
})

describe('operations', () => {
  it('answers /healthz', async () => {
    expect(await (await t.request('GET', '/healthz')).json()).toEqual({ ok: true })
  })
  it('serves identicon avatars', async () => {
    const c = await post(newComment())
    const res = await t.request('GET', new URL(c.comment.author.avatar).pathname)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    expect(await res.text()).toMatch(/^<svg/)
  })
})

describe('thread reads', () => {
  it('take one SQL round trip, cached or not', async () => {
    const { createApp } = await import('../../src/app.js')
    let queries = 0
    const counted = t.deps.db.withPlugin({
      transformQuery: (args) => {
        queries++
        return args.node
      },
      transformResult: async (args) => args.result,
    })
    const app = createApp({ ...t.deps, db: counted })
    await post(newComment({ uri: '/one-trip' }))
    const rounds: [string, number, number][] = [
      ['cold', 0, 1],
      ['within the cache window', 0, 0],
      ['after it, thread unchanged', 2, 1],
      ['after it again', 2, 1],
    ]
    for (const [round, wait, expected] of rounds) {
      t.clock.advanceSeconds(wait)
      queries = 0
      const res = await app.request('/api/comments?site=news&uri=/one-trip', { headers: { 'x-test-ip': '192.0.2.1' } })
      expect(res.status, round).toBe(200)
      expect(((await res.json()) as any).comments, round).toHaveLength(1)
      expect(queries, round).toBe(expected)
    }
  })

  it('show a write through this instance at once, and one through another within the cache window', async () => {
    const { createApp } = await import('../../src/app.js')
    const other = createApp(t.deps)
    const uri = '/two-instances'
    const first = await post(newComment({ uri, body: 'one' }))
    const read = async () => ((await (await t.request('GET', `/api/comments?site=news&uri=${uri}`)).json()) as any).comments.map((c: any) => c.html)
    expect(await read()).toEqual(['<p>one</p>'])
    t.clock.advanceSeconds(20)
    expect(await read()).toEqual(['<p>one</p>'])
    const edited = await other.request(`/api/comments/${first.comment.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.editToken}`, 'x-test-ip': '192.0.2.2' },
      body: JSON.stringify({ body: 'one, edited' }),
    })
    expect(await read()).toEqual(['<p>one</p>'])
    t.clock.advanceSeconds(1)
    expect(await read()).toEqual(['<p>one, edited</p>'])
    const token = ((await edited.json()) as any).editToken
    const local = await t.request('PATCH', `/api/comments/${first.comment.id}`, { json: { body: 'edited here' }, headers: { authorization: `Bearer ${token}` } })
    expect(local.status).toBe(200)
    expect(await read()).toEqual(['<p>edited here</p>'])
  })
})

describe('compression', () => {
  it('serves a big thread gzipped to clients that accept it', async () => {
    const { gunzipSync } = await import('node:zlib')
    for (let i = 0; i < 10; i++) await post(newComment({ uri: '/gz', body: `A comment long enough to be worth compressing, number ${i}.` }))
    const res = await t.request('GET', '/api/comments?site=news&uri=/gz', { headers: { 'accept-encoding': 'gzip, br' } })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('vary')).toMatch(/Accept-Encoding/)
    const body = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8'))
    expect(body.comments).toHaveLength(10)
    const plain = await t.request('GET', '/api/comments?site=news&uri=/gz')
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(((await plain.json()) as any).comments).toHaveLength(10)
  })
})
