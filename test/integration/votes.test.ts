import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { ThreadPageCache } from '../../src/comments/thread-cache.js'
import { getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'

// Votes (issue 15 item 2): POST /api/comments/:id/vote, counts and myVote on reads, sort=best.

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
})
afterAll(() => t.close())

const VOTER_A = 'voter-a-0123456789abcdef'
const VOTER_B = 'voter-b-0123456789abcdef'
let uriSeq = 0
const freshUri = () => `/votes/${++uriSeq}`

async function post(over: Record<string, unknown>) {
  t.clock.advanceSeconds(1)
  const res = await t.request('POST', '/api/comments', { json: newComment(over) })
  expect(res.status).toBe(201)
  return (await res.json()) as { comment: any; editToken: string }
}
const vote = (id: string, body: unknown, o: { ip?: string; headers?: Record<string, string> } = {}) =>
  t.request('POST', `/api/comments/${id}/vote`, { json: body, ...o })
async function read(uri: string, query = '', headers: Record<string, string> = {}) {
  const res = await t.request('GET', `/api/comments?site=news&uri=${encodeURIComponent(uri)}${query}`, { headers })
  expect(res.status).toBe(200)
  return { res, body: (await res.json()) as any }
}
const setSettings = async (patch: Record<string, unknown>) => {
  const site = await getSite(t.deps.db, 'news')
  await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, ...patch })
}

describe('POST /api/comments/:id/vote', () => {
  it('counts one vote per voter, answers the counts and the voter’s vote, and takes it back with 0', async () => {
    const uri = freshUri()
    const c = (await post({ uri })).comment
    const up = await vote(c.id, { value: 1, voter: VOTER_A })
    expect(up.status).toBe(200)
    expect(await up.json()).toEqual({ upvotes: 1, downvotes: 0, myVote: 1 })
    // The same voter again (another IP, another request): still one vote.
    expect(await (await vote(c.id, { value: 1, voter: VOTER_A })).json()).toEqual({ upvotes: 1, downvotes: 0, myVote: 1 })
    expect(await (await vote(c.id, { value: 1, voter: VOTER_B })).json()).toEqual({ upvotes: 2, downvotes: 0, myVote: 1 })
    expect(await (await vote(c.id, { value: 0, voter: VOTER_A })).json()).toEqual({ upvotes: 1, downvotes: 0, myVote: 0 })
    const list = await read(uri)
    expect(list.body.comments[0]).toMatchObject({ id: c.id, upvotes: 1, downvotes: 0 })
    expect('myVote' in list.body.comments[0]).toBe(false)
  })

  it('refuses a vote on one’s own comment (its edit token held) with 403 own_comment, storing nothing', async () => {
    const mine = await post({ uri: freshUri() })
    const res = await vote(mine.comment.id, { value: 1, voter: VOTER_A }, { headers: { authorization: `Bearer ${mine.editToken}` } })
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('own_comment')
    const row = await t.deps.db.selectFrom('comments').select(['upvotes']).where('id', '=', mine.comment.id).executeTakeFirstOrThrow()
    expect(row.upvotes).toBe(0)
    expect(await t.deps.db.selectFrom('comment_votes').select('value').where('comment_id', '=', mine.comment.id).execute()).toEqual([])
  })

  it('takes downvotes only when the site allows them (downvotes: false by default → 403 downvotes_disabled)', async () => {
    const c = (await post({ uri: freshUri() })).comment
    const refused = await vote(c.id, { value: -1, voter: VOTER_A })
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('downvotes_disabled')
    expect((await (await t.request('GET', '/api/config?site=news')).json())).toMatchObject({ downvotes: false, defaultSort: 'oldest' })
    await setSettings({ downvotes: true })
    try {
      expect(await (await vote(c.id, { value: -1, voter: VOTER_A })).json()).toEqual({ upvotes: 0, downvotes: 1, myVote: -1 })
      // Switching a vote moves it from one count to the other.
      expect(await (await vote(c.id, { value: 1, voter: VOTER_A })).json()).toEqual({ upvotes: 1, downvotes: 0, myVote: 1 })
      expect(await (await vote(c.id, { value: -1, voter: VOTER_B })).json()).toEqual({ upvotes: 1, downvotes: 1, myVote: -1 })
    } finally {
      await setSettings({ downvotes: false })
    }
    // Taking a downvote back stays possible after the site turned them off.
    expect(await (await vote(c.id, { value: 0, voter: VOTER_B })).json()).toEqual({ upvotes: 1, downvotes: 0, myVote: 0 })
  })

  it('answers 404 for a comment that is not published, and 400 naming each bad field', async () => {
    await setSettings({ moderationMode: 'pre' })
    t.clock.advanceSeconds(1)
    const held = (await (await t.request('POST', '/api/comments', { json: newComment({ uri: freshUri() }) })).json()) as any
    await setSettings({ moderationMode: 'post' })
    expect(held.comment.status).toBe('pending')
    expect((await vote(held.comment.id, { value: 1, voter: VOTER_A })).status).toBe(404)
    expect((await vote('nosuchcomment', { value: 1, voter: VOTER_A })).status).toBe(404)
    const c = (await post({ uri: freshUri() })).comment
    for (const [body, path] of [
      [{ value: 2, voter: VOTER_A }, 'value'],
      [{ value: '1', voter: VOTER_A }, 'value'],
      [{ voter: VOTER_A }, 'value'],
      [{ value: 1, voter: 'short' }, 'voter'],
      [{ value: 1, voter: 'x'.repeat(65) }, 'voter'],
      [{ value: 1, voter: 'has spaces in it 0123' }, 'voter'],
      [{ value: 1 }, 'voter'],
    ] as const) {
      const res = await vote(c.id, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      const err = (await res.json()).error
      expect(err.code).toBe('validation_failed')
      expect(err.fields.map((f: any) => f.path)).toContain(path)
    }
    const form = await t.request('POST', `/api/comments/${c.id}/vote`, { body: 'value=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(form.status).toBe(415)
    expect(await t.deps.db.selectFrom('comment_votes').select('value').where('comment_id', '=', c.id).execute()).toEqual([])
  })

  it('keeps only keyed hashes of the voter token and the IP, never the raw values', async () => {
    const c = (await post({ uri: freshUri() })).comment
    const voter = 'raw-voter-token-must-not-be-stored'
    expect((await vote(c.id, { value: 1, voter }, { ip: '203.0.113.77' })).status).toBe(200)
    const rows = await t.deps.db.selectFrom('comment_votes').selectAll().where('comment_id', '=', c.id).execute()
    expect(rows).toHaveLength(1)
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain(voter)
    expect(stored).not.toContain('203.0.113.77')
    expect(rows[0]!.voter_key).toMatch(/^[0-9a-f]{40}$/)
    expect(rows[0]!.ip_key).toBe(await t.deps.keys.ipKey('203.0.113.77'))
  })

  it('never changes moderation: status, updated_at and the audit log stay as they were', async () => {
    const c = (await post({ uri: freshUri() })).comment
    const before = await t.deps.db.selectFrom('comments').select(['status', 'updated_at', 'open_reports']).where('id', '=', c.id).executeTakeFirstOrThrow()
    const audit = async () => (await t.deps.db.selectFrom('moderation_actions').select('id').where('comment_id', '=', c.id).execute()).length
    const auditBefore = await audit()
    t.clock.advanceSeconds(30)
    for (const voter of [VOTER_A, VOTER_B]) expect((await vote(c.id, { value: 1, voter })).status).toBe(200)
    const after = await t.deps.db.selectFrom('comments').select(['status', 'updated_at', 'open_reports']).where('id', '=', c.id).executeTakeFirstOrThrow()
    expect(after).toEqual(before)
    expect(await audit()).toBe(auditBefore)
  })

  it('rate-limits by IP key: 60 votes in 10 minutes, then 429 with Retry-After; other addresses still vote', async () => {
    const uri = freshUri()
    const c = (await post({ uri })).comment
    const ip = '192.0.2.200'
    for (let i = 0; i < 60; i++) {
      const res = await vote(c.id, { value: 1, voter: `rate-limit-voter-${String(i).padStart(4, '0')}` }, { ip })
      expect(res.status, `vote ${i}`).toBe(200)
    }
    const limited = await vote(c.id, { value: 1, voter: 'rate-limit-voter-over' }, { ip })
    expect(limited.status).toBe(429)
    expect((await limited.json()).error.code).toBe('rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await vote(c.id, { value: 1, voter: 'rate-limit-voter-other' }, { ip: '192.0.2.201' })).status).toBe(200)
    t.clock.advanceSeconds(601)
    expect((await vote(c.id, { value: 1, voter: 'rate-limit-voter-later' }, { ip })).status).toBe(200)
    expect((await read(uri)).body.comments[0].upvotes).toBe(62)
  })

  it('answers CORS for the site’s origin and refuses another origin (403)', async () => {
    const c = (await post({ uri: freshUri() })).comment
    const ok = await vote(c.id, { value: 1, voter: VOTER_A }, { headers: { origin: NEWS_ORIGIN } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    const pre = await t.request('OPTIONS', `/api/comments/${c.id}/vote`, { headers: { origin: NEWS_ORIGIN, 'access-control-request-headers': 'content-type, x-parley-voter' } })
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-Parley-Voter/i)
    expect((await vote(c.id, { value: 1, voter: VOTER_B }, { headers: { origin: 'https://evil.example' } })).status).toBe(403)
  })
})

describe('myVote on reads (X-Parley-Voter)', () => {
  it('shows each reader their own votes only, never through the shared page cache', async () => {
    const uri = freshUri()
    const a = (await post({ uri })).comment
    const b = (await post({ uri })).comment
    // Warm the shared cache first.
    await read(uri)
    await vote(a.id, { value: 1, voter: VOTER_A })
    await vote(b.id, { value: 1, voter: VOTER_B })
    const forA = await read(uri, '', { 'x-parley-voter': VOTER_A })
    expect(forA.body.comments.map((c: any) => [c.id, c.upvotes, c.myVote])).toEqual([
      [a.id, 1, 1],
      [b.id, 1, 0],
    ])
    expect(forA.res.headers.get('cache-control')).toMatch(/private/)
    expect(forA.res.headers.get('vary')).toMatch(/X-Parley-Voter/i)
    const forB = await read(uri, '', { 'x-parley-voter': VOTER_B })
    expect(forB.body.comments.map((c: any) => c.myVote)).toEqual([0, 1])
    expect(forB.res.headers.get('etag')).not.toBe(forA.res.headers.get('etag'))
    // Anonymous again: the shared page, without myVote, with the new counts.
    const anon = await read(uri)
    expect(anon.body.comments.map((c: any) => [c.upvotes, 'myVote' in c])).toEqual([
      [1, false],
      [1, false],
    ])
    expect(anon.res.headers.get('cache-control')).toMatch(/public/)
    // 304 for the same voter's ETag; a vote changes it.
    const etag = forA.res.headers.get('etag')!
    expect((await t.request('GET', `/api/comments?site=news&uri=${uri}`, { headers: { 'x-parley-voter': VOTER_A, 'if-none-match': etag } })).status).toBe(304)
    await vote(b.id, { value: 1, voter: VOTER_A })
    const again = await t.request('GET', `/api/comments?site=news&uri=${uri}`, { headers: { 'x-parley-voter': VOTER_A, 'if-none-match': etag } })
    expect(again.status).toBe(200)
    expect(((await again.json()) as any).comments.map((c: any) => c.myVote)).toEqual([1, 1])
  })

  it('400 for a malformed X-Parley-Voter', async () => {
    const res = await t.request('GET', `/api/comments?site=news&uri=/x`, { headers: { 'x-parley-voter': 'short' } })
    expect(res.status).toBe(400)
    expect((await res.json()).error.fields[0].path).toBe('X-Parley-Voter')
  })

  it('a vote through another server on the same database shows here within THREAD_CACHE_SECONDS', async () => {
    const uri = freshUri()
    const c = (await post({ uri })).comment
    expect((await read(uri)).body.comments[0].upvotes).toBe(0)
    const other = createApp({ ...t.deps, threadCache: new ThreadPageCache(t.deps.config.threadCacheSeconds * 1000) })
    const res = await other.request(`/api/comments/${c.id}/vote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-ip': '198.51.100.9' },
      body: JSON.stringify({ value: 1, voter: VOTER_A }),
    })
    expect(res.status).toBe(200)
    // Within the window this server may still serve its cached page; once it passed, the vote shows.
    t.clock.advanceSeconds(t.deps.config.threadCacheSeconds)
    expect((await read(uri)).body.comments[0].upvotes).toBe(1)
  })
})

describe('sort=oldest|newest|best', () => {
  async function votedThread() {
    const uri = freshUri()
    await setSettings({ downvotes: true })
    // Top-level comments with (up, down) votes; "best" = Wilson lower bound, ties oldest first.
    const plan: [number, number][] = [
      [0, 0], // t0: no votes → 0
      [1, 0], // t1: 0.2065
      [10, 1], // t2: 0.6226
      [3, 3], // t3: 0.1876
      [1, 0], // t4: 0.2065 (ties t1, newer)
      [6, 0], // t5: 0.6097
    ]
    const tops: string[] = []
    for (const [up, down] of plan) {
      const id = (await post({ uri })).comment.id
      tops.push(id)
      for (let i = 0; i < up; i++) await vote(id, { value: 1, voter: `sort-voter-up-${String(i).padStart(6, '0')}` })
      for (let i = 0; i < down; i++) await vote(id, { value: -1, voter: `sort-voter-down-${String(i).padStart(6, '0')}` })
    }
    await setSettings({ downvotes: false })
    // A reply to the lowest-ranked comment, and one with many votes under t1: replies stay under their parents.
    const reply = (await post({ uri, parentId: tops[0] })).comment.id
    const reply2 = (await post({ uri, parentId: tops[1] })).comment.id
    for (let i = 0; i < 5; i++) await vote(reply2, { value: 1, voter: `sort-voter-reply-${String(i).padStart(6, '0')}` })
    return { uri, tops, reply, reply2 }
  }

  it('best orders top-level comments by the Wilson lower bound, replies under their parents', async () => {
    const { uri, tops, reply, reply2 } = await votedThread()
    const best = await read(uri, '&sort=best')
    const [t0, t1, t2, t3, t4, t5] = tops
    expect(best.body.comments.map((c: any) => c.id)).toEqual([t2, t5, t1, reply2, t4, t3, t0, reply])
    const score = async (id: string) => (await t.deps.db.selectFrom('comments').select('best_score').where('id', '=', id).executeTakeFirstOrThrow()).best_score
    expect(await score(t1!)).toBeCloseTo(0.2065, 3)
    expect(await score(t2!)).toBeCloseTo(0.6226, 3)
    expect(await score(t3!)).toBeCloseTo(0.1876, 3)
    expect(await score(t0!)).toBe(0)
    const newest = await read(uri, '&sort=newest')
    expect(newest.body.comments.filter((c: any) => !c.parentId).map((c: any) => c.id)).toEqual([...tops].reverse())
    const oldest = await read(uri, '&sort=oldest')
    expect(oldest.body.comments.filter((c: any) => !c.parentId).map((c: any) => c.id)).toEqual(tops)
  })

  it('pages through every sort with its cursors: each top-level comment once, in order', async () => {
    const { uri } = await votedThread()
    for (const sort of ['oldest', 'newest', 'best']) {
      const whole = (await read(uri, `&sort=${sort}`)).body.comments.map((c: any) => c.id)
      const paged: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page: any = (await read(uri, `&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body
        paged.push(...page.comments.map((c: any) => c.id))
        cursor = page.nextCursor
        pages++
      } while (cursor && pages < 10)
      expect(paged, sort).toEqual(whole)
      expect(pages, sort).toBe(3)
    }
    // A cursor belongs to its sort.
    const first: any = (await read(uri, '&sort=oldest&limit=2')).body
    const wrong = await t.request('GET', `/api/comments?site=news&uri=${uri}&sort=best&limit=2&cursor=${first.nextCursor}`)
    expect(wrong.status).toBe(400)
    expect((await wrong.json()).error.fields[0].path).toBe('cursor')
    const bestFirst: any = (await read(uri, '&sort=best&limit=2')).body
    expect((await t.request('GET', `/api/comments?site=news&uri=${uri}&sort=newest&limit=2&cursor=${bestFirst.nextCursor}`)).status).toBe(400)
    expect((await t.request('GET', `/api/comments?site=news&uri=${uri}&sort=worst`)).status).toBe(400)
  })

  it('locate finds a comment’s page in best order', async () => {
    const { uri, tops, reply } = await votedThread()
    const res = await t.request('GET', `/api/comments/${reply}/locate?site=news&uri=${uri}&sort=best&limit=2`)
    const loc = (await res.json()) as any
    // t0 is last in best order (index 5): the third page of two.
    expect(loc).toMatchObject({ visible: true, rootId: tops[0], index: 5, page: 2 })
    const page: any = (await read(uri, `&sort=best&limit=2&cursor=${loc.cursor}`)).body
    expect(page.comments.map((c: any) => c.id)).toContain(reply)
  })

  it('without sort, a thread is read in the site’s defaultSort (oldest unless set)', async () => {
    const uri = freshUri()
    const a = (await post({ uri })).comment.id
    const b = (await post({ uri })).comment.id
    expect((await read(uri)).body.comments.map((c: any) => c.id)).toEqual([a, b])
    await setSettings({ defaultSort: 'newest' })
    try {
      t.clock.advanceSeconds(5)
      expect((await read(uri)).body.comments.map((c: any) => c.id)).toEqual([b, a])
      expect((await (await t.request('GET', '/api/config?site=news')).json()).defaultSort).toBe('newest')
    } finally {
      await setSettings({ defaultSort: 'oldest' })
    }
  })
})
