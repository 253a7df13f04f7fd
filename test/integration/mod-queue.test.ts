import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'
import { seedPendingComments } from '../helpers/seed.js'

let t: TestContext
let admin: SignedIn
beforeAll(async () => {
  t = await createTestContext()
  await addSite(t.deps.db, { id: 'sports', name: 'Sports', origins: ['https://sports.example'] }, t.clock.now())
  admin = await signIn(t)
})
afterAll(() => t.close())

async function post(over: Record<string, unknown> = {}, ip?: string) {
  t.clock.advanceSeconds(20) // past flood control
  const res = await t.request('POST', '/api/comments', { json: newComment(over), ...(ip ? { ip } : {}) })
  expect([201, 202]).toContain(res.status)
  return (await res.json()).comment.id as string
}
async function act(id: string, action: string) {
  const res = await admin.request('POST', `/api/mod/comments/${id}/actions`, { json: { action } })
  expect(res.status).toBe(200)
}
async function queue(query: string, who: SignedIn = admin) {
  const res = await who.request('GET', `/api/mod/queue?${query}`)
  expect(res.status).toBe(200)
  return res.json()
}

describe('queues', () => {
  const uri = '/queues/membership'
  let pending: string, approved: string, reported: string, rejected: string, spam: string, reply: string
  beforeAll(async () => {
    pending = await post({ uri })
    approved = await post({ uri })
    reported = await post({ uri })
    rejected = await post({ uri })
    spam = await post({ uri })
    await act(approved, 'approve')
    await act(reported, 'approve')
    await act(rejected, 'reject')
    await act(spam, 'spam')
    expect((await t.request('POST', `/api/comments/${reported}/report`, { json: { reason: 'abusive', details: 'Name-calling' } })).status).toBe(202)
    reply = await post({ uri, parentId: approved, body: 'A reply that waits.' })
  })

  it('puts each comment in its queue (reported = published and reported)', async () => {
    const ids = async (q: string) => (await queue(`site=news&queue=${q}&q=`)).items.map((i: { id: string }) => i.id)
    const thread = (await queue('site=news&queue=pending')).items.find((i: { id: string }) => i.id === pending).thread.id
    const inThread = async (q: string) => (await queue(`thread=${thread}&queue=${q}`)).items.map((i: { id: string }) => i.id).sort()
    expect(await inThread('pending')).toEqual([pending, reply].sort())
    expect(await inThread('approved')).toEqual([approved, reported].sort())
    expect(await inThread('reported')).toEqual([reported])
    expect(await inThread('rejected')).toEqual([rejected])
    expect(await inThread('spam')).toEqual([spam])
    expect(await ids('pending')).toContain(pending)
    const page = await queue(`thread=${thread}&queue=pending`)
    expect(page.counts).toEqual({ pending: 2, reported: 1, approved: 2, rejected: 1, spam: 1 })
  })

  it('gives each item everything a moderator needs (ModComment)', async () => {
    const page = await queue('site=news&queue=pending&sort=newest')
    const item = page.items.find((i: { id: string }) => i.id === reply)
    const row = await t.deps.db.selectFrom('comments').selectAll().where('id', '=', reply).executeTakeFirstOrThrow()
    const approvedRow = await t.deps.db.selectFrom('comments').selectAll().where('id', '=', approved).executeTakeFirstOrThrow()
    expect(item).toMatchObject({
      id: reply,
      parentId: approved,
      depth: 1,
      status: 'pending',
      site: 'news',
      email: row.author_email,
      ipHash: row.ip_key,
      author: { name: row.author_name, url: null },
      thread: { id: row.thread_id, uri, title: expect.stringContaining('Trump') },
      parent: { id: approved, author: approvedRow.author_name, excerpt: approvedRow.body_md },
      reports: [],
      authorHistory: { approved: 0, rejected: 0, spam: 0 },
      reasons: [{ phase: 'first_comment', message: expect.any(String) }],
    })
    expect(item.ipHash).toMatch(/^[0-9a-f]{40}$/)
    expect(item.html).toContain('A reply that waits.')

    const rep = (await queue('site=news&queue=reported')).items.find((i: { id: string }) => i.id === reported)
    expect(rep.reports).toEqual([{ reason: 'abusive', details: 'Name-calling', at: expect.stringMatching(/^2026-11-01T\d\d:\d\d:\d\d\.000Z$/), resolved: false }])
    expect(rep.openReports).toBe(1)
  })

  it('counts the author’s history by email on the same site', async () => {
    const email = 'history@example.org'
    const first = await post({ email, name: 'Hist' })
    await act(first, 'approve')
    const second = await post({ email, name: 'Hist Other', uri: '/history/2' }) // another name: held
    const third = await post({ email, name: 'Hist Third', uri: '/history/3' })
    await act(third, 'spam')
    await post({ site: 'sports', email, name: 'Hist' }) // another site: not counted
    const item = (await queue('site=news&queue=pending&q=Hist Other')).items.find((i: { id: string }) => i.id === second)
    expect(item.authorHistory).toEqual({ approved: 1, rejected: 0, spam: 1 })
  })

  it('searches body, name and email (case-insensitive, LIKE characters are literal)', async () => {
    const id = await post({ body: 'Mentions the ZEBRA crossing at 100% certainty', email: 'zed_search@example.org', name: 'Zelda' })
    const find = async (q: string) => (await queue(`site=news&queue=pending&q=${encodeURIComponent(q)}`)).items.map((i: { id: string }) => i.id)
    expect(await find('zebra')).toEqual([id])
    expect(await find('zelda')).toEqual([id])
    expect(await find('zed_search@')).toEqual([id])
    expect(await find('100%')).toEqual([id])
    expect(await find('1_0')).toEqual([])
  })

  it('pages with a cursor, newest or oldest first, without gaps or repeats', async () => {
    const site = 'pager'
    await addSite(t.deps.db, { id: site, origins: [] }, t.clock.now())
    await seedPendingComments(t.deps.db, site, 23)
    for (const sort of ['newest', 'oldest'] as const) {
      const seen: string[] = []
      const times: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page: { items: { id: string; createdAt: string }[]; nextCursor: string | null; counts: { pending: number } } = await queue(
          `site=${site}&queue=pending&sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        )
        expect(page.counts.pending).toBe(23)
        seen.push(...page.items.map((i) => i.id))
        times.push(...page.items.map((i) => i.createdAt))
        cursor = page.nextCursor
        pages++
      } while (cursor)
      expect(pages).toBe(5)
      expect(new Set(seen).size).toBe(23)
      const sorted = [...times].sort()
      expect(times).toEqual(sort === 'oldest' ? sorted : sorted.reverse())
    }
    const bad = await admin.request('GET', '/api/mod/queue?site=news&cursor=garbage')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.fields[0].path).toBe('cursor')
  })

  it('answers 404 for an unknown site, and an empty page for a known site with nothing in the queue', async () => {
    const res = await admin.request('GET', '/api/mod/queue?site=nowhere')
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
    const empty = await queue('site=sports&queue=spam')
    expect(empty).toMatchObject({ items: [], nextCursor: null })
    expect((await admin.request('GET', '/api/mod/threads?site=nowhere')).status).toBe(404)
  })

  it('validates the query (queue name, limit)', async () => {
    const res = await admin.request('GET', '/api/mod/queue?queue=everything&limit=1000')
    expect(res.status).toBe(400)
    expect((await res.json()).error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['limit', 'queue'])
  })
})

describe('site scoping', () => {
  it('a moderator of one site sees only that site and gets 403 on another site’s queue', async () => {
    const newsId = await post({ uri: '/scoping' })
    const sportsId = await post({ site: 'sports', uri: '/scoping' })
    const mod = await signIn(t, { role: 'moderator', sites: ['news'] })
    const all = await queue('queue=pending&limit=100', mod)
    const ids = all.items.map((i: { id: string }) => i.id)
    expect(ids).toContain(newsId)
    expect(ids).not.toContain(sportsId)
    expect(all.items.every((i: { site: string }) => i.site === 'news')).toBe(true)
    const res = await mod.request('GET', '/api/mod/queue?site=sports')
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('forbidden')
    // Acting on another site's comment is refused too, and changes nothing.
    const act = await mod.request('POST', `/api/mod/comments/${sportsId}/actions`, { json: { action: 'approve' } })
    expect(act.status).toBe(403)
    const row = await t.deps.db.selectFrom('comments').select('status').where('id', '=', sportsId).executeTakeFirstOrThrow()
    expect(row.status).toBe('pending')
  })
})

describe('privacy', () => {
  it('shows a commenter’s email to moderators only, never in public answers', async () => {
    const email = 'private.person@example.org'
    const id = await post({ uri: '/privacy', email, name: 'Private Person' })
    await act(id, 'approve')
    const pub = await t.request('GET', '/api/comments?site=news&uri=/privacy')
    const text = await pub.text()
    expect(text).toContain('Private Person')
    expect(text).not.toContain(email)
    expect(text).not.toContain(admin.email)
    const mod = await queue('site=news&queue=approved&q=private.person')
    expect(mod.items[0].email).toBe(email)
  })
})

class CountingPlugin implements KyselyPlugin {
  count = 0
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

describe('queue cost', () => {
  it('answers a page with the same number of SQL statements for 5 and for 50 items', async () => {
    const site = 'costly'
    await addSite(t.deps.db, { id: site, origins: [] }, t.clock.now())
    const thread = await seedPendingComments(t.deps.db, site, 60)
    // Give some items parents and reports, so every part of a ModComment has data to fetch.
    const rows = await t.deps.db.selectFrom('comments').select(['id']).where('thread_id', '=', thread).orderBy('seq').execute()
    for (const [i, r] of rows.slice(1, 20).entries()) {
      await t.deps.db.updateTable('comments').set({ parent_id: rows[0]!.id, depth: 1 }).where('id', '=', r.id).execute()
      await t.deps.db.insertInto('reports').values({ comment_id: r.id, site_id: site, reason: 'spam', details: `r${i}`, ip_key: null, created_at: t.clock.now() }).execute()
    }
    const counter = new CountingPlugin()
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(counter) })
    const statements = async (limit: number) => {
      counter.count = 0
      const res = await app.request(`/api/mod/queue?site=${site}&queue=pending&sort=oldest&limit=${limit}`, { headers: { cookie: admin.cookie } })
      expect(res.status).toBe(200)
      const body = await res.json()
      expect(body.items).toHaveLength(limit)
      expect(body.items.filter((i: { parent: unknown }) => i.parent).length).toBe(Math.min(limit - 1, 19))
      return counter.count
    }
    const five = await statements(5)
    const fifty = await statements(50)
    expect(fifty).toBe(five)
    expect(five).toBe(2) // session lookup; the page with every queue's counts (one statement, issue 13)
  })
})
