// Issue 13 (docs/perf.md): the post transaction's round trips and locks, the duplicate check's
// index, the queue counters, and the pipeline's guarantees when posts arrive at the same time.
import { CompiledQuery, sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import type { Database } from '../../src/db/index.js'
import { ThreadPageCache } from '../../src/comments/thread-cache.js'
import { FOLD_EVERY, findThreadById, foldThreadDeltas } from '../../src/threads/thread.repository.js'
import { FOLD_COUNTS_AT } from '../../src/moderation/queue.repository.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'
import { seedPendingComments } from '../helpers/seed.js'

/** Records the SQL of every statement (BEGIN/COMMIT are the driver's and not seen). */
class Recorder implements KyselyPlugin {
  sql: CompiledQuery[] = []
  constructor(private db: () => Database) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.sql.push(this.db().getExecutor().compileQuery(args.node, args.queryId))
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

let t: TestContext
let admin: SignedIn
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  admin = await signIn(t)
})
afterAll(() => t.close())

const writesThread = (q: CompiledQuery) => /^\s*(update\s+"?threads"?|insert\s+into\s+"?threads"?)/i.test(q.sql)

describe('the post transaction', () => {
  it('publishes a comment on an existing thread in 4 statements, writing no thread row', async () => {
    const first = await t.request('POST', '/api/comments', { json: newComment({ uri: '/hot' }) })
    expect(first.status).toBe(201)
    const rec = new Recorder(() => t.deps.db)
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec) })
    const res = await app.request('/api/comments', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-ip': '203.0.113.9' },
      body: JSON.stringify(newComment({ uri: '/hot' })),
    })
    expect(res.status).toBe(201)
    // site, thread (+ advisory locks), pipeline facts, comment + audit row + thread delta.
    // Was 5: the thread's counter update (`comment_count + 1, version + 1`) is gone — that row,
    // locked through each commit, made posts on one thread commit one at a time (docs/perf.md round 3).
    expect(rec.sql.length).toBe(4)
    expect(rec.sql.map(writesThread)).toEqual([false, false, false, false])
    expect(rec.sql[3]!.sql).toMatch(/insert into "thread_deltas"/)
    const counted = await (await app.request('/api/counts?site=news&uri=/hot')).json()
    expect(counted.counts).toEqual([{ uri: '/hot', count: 2 }])
  })

  it('reads neither flood history nor earlier approvals when the site does not use them', async () => {
    const facts = async (site: string) => {
      const rec = new Recorder(() => t.deps.db)
      const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec) })
      const res = await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': '203.0.113.11' }, body: JSON.stringify(newComment({ site, uri: '/facts' })) })
      expect(res.status).toBeLessThan(300)
      return rec.sql.find((q) => /from bans/.test(q.sql))!.sql
    }
    // news: post-moderation, flood control off.
    const plain = await facts('news')
    expect(plain).not.toMatch(/max\(created_at\)/)
    expect(plain).not.toMatch(/author_name = \$\d+ and status = 'approved'/)
    await addSite(t.deps.db, { id: 'facty', origins: [], settings: { moderationMode: 'trusted', floodSeconds: 30 } }, t.clock.now())
    const full = await facts('facty')
    expect(full).toMatch(/max\(created_at\)/)
    expect(full).toMatch(/author_name = \$\d+ and status = 'approved'/)
  })

  it('finds duplicates through an index, not by reading the table', async () => {
    await t.request('POST', '/api/comments', { json: newComment({ uri: '/indexed' }) })
    const rec = new Recorder(() => t.deps.db)
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec) })
    await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': '203.0.113.10' }, body: JSON.stringify(newComment({ uri: '/indexed' })) })
    const facts = rec.sql.find((q) => /from bans/.test(q.sql))!
    expect(facts).toBeDefined()
    const plan = await t.deps.db.transaction().execute(async (trx) => {
      // A small table tempts the planner to read it whole; without a usable index it still must.
      await sql`set local enable_seqscan = off`.execute(trx)
      const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${facts.sql}`, [...facts.parameters]))
      return r.rows.map((x) => x['QUERY PLAN']).join('\n')
    })
    expect(plan).not.toMatch(/Seq Scan on comments/)
    expect(plan).toMatch(/comments_duplicate_idx/)
  })

  it('still refuses the same comment sent twice at the same moment', async () => {
    const body = newComment({ uri: '/twice' })
    const answers = await Promise.all([0, 1].map(() => t.request('POST', '/api/comments', { json: body })))
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409])
    const rows = await t.deps.db.selectFrom('comments').select('id').where('body_md', '=', body.body as string).execute()
    expect(rows).toHaveLength(1)
  })

  it('holds flood control for three posts from one address at the same moment, on different pages', async () => {
    await addSite(t.deps.db, { id: 'floody', origins: [], settings: { moderationMode: 'post', floodSeconds: 15 } }, t.clock.now())
    const answers = await Promise.all(
      ['/a', '/b', '/c'].map((uri) => t.request('POST', '/api/comments', { json: newComment({ site: 'floody', uri }), ip: '203.0.113.77' })),
    )
    expect(answers.map((r) => r.status).sort()).toEqual([201, 429, 429])
  })
})

/** How many rows of `comments` a statement's plan reads (EXPLAIN ANALYZE: rows × loops of every node on it). */
async function commentRowsRead(q: CompiledQuery): Promise<number> {
  const r = await t.deps.db.transaction().execute(async (trx) => {
    // A small table tempts the planner to read it whole; what is measured is what the statement needs.
    await sql`set local enable_seqscan = off`.execute(trx)
    return trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (analyze, format json) ${q.sql}`, [...q.parameters]))
  })
  const raw = r.rows[0]!['QUERY PLAN']
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[]
  type PlanNode = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] }
  const walk = (n: PlanNode): number =>
    (n['Relation Name'] === 'comments' ? n['Actual Rows'] * n['Actual Loops'] : 0) + (n.Plans ?? []).reduce((a, p) => a + walk(p), 0)
  if (process.env.SHOW_PLAN) console.log(JSON.stringify(plan, (k, v) => (/Cost|Width|Startup|Total|Output|Parallel|Async|Inner Unique|Plan Rows/.test(k) ? undefined : v), 1))
  return walk(plan[0]!.Plan)
}

describe('queue counts', () => {
  const truth = async (site: string) => {
    const rows = await t.deps.db.selectFrom('comments').select(['status', 'open_reports']).where('site_id', '=', site).execute()
    return {
      pending: rows.filter((r) => r.status === 'pending').length,
      reported: rows.filter((r) => r.status === 'approved' && r.open_reports > 0).length,
      approved: rows.filter((r) => r.status === 'approved').length,
      rejected: rows.filter((r) => r.status === 'rejected').length,
      spam: rows.filter((r) => r.status === 'spam').length,
    }
  }
  const counts = async (site: string) => {
    const res = await admin.request('GET', `/api/mod/queue?site=${site}&queue=pending&limit=5`)
    expect(res.status).toBe(200)
    return (await res.json()).counts
  }

  it('keeps every queue count true through posts, moderation, reports, deletes and bulk inserts, without reading comments', async () => {
    await addSite(t.deps.db, { id: 'counted', origins: [], settings: { moderationMode: 'pre', floodSeconds: 0 } }, t.clock.now())
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const res = await t.request('POST', '/api/comments', { json: newComment({ site: 'counted', uri: `/c${i % 2}` }) })
      expect(res.status).toBe(202)
      ids.push((await res.json()).comment.id)
    }
    expect(await counts('counted')).toEqual(await truth('counted'))
    for (const [id, action] of [[ids[0], 'approve'], [ids[1], 'approve'], [ids[2], 'reject'], [ids[3], 'spam']] as const) {
      const res = await admin.request('POST', `/api/mod/comments/${id}/actions`, { json: { action } })
      expect(res.status).toBe(200)
    }
    const report = await t.request('POST', `/api/comments/${ids[0]}/report`, { json: { reason: 'spam' } })
    expect(report.status).toBe(202)
    expect(await counts('counted')).toEqual({ pending: 2, reported: 1, approved: 2, rejected: 1, spam: 1 })
    // Enough changes that a read folds the deltas; and rows written straight into the table.
    await seedPendingComments(t.deps.db, 'counted', FOLD_COUNTS_AT + 50)
    // Reported and not, back and forth (an even number of times): a delta row each.
    for (let i = 0; i < FOLD_COUNTS_AT + 10; i++)
      await sql`update comments set open_reports = case when open_reports > 0 then 0 else 1 end where id = ${ids[1]!}`.execute(t.deps.db)
    await sql`delete from comments where id = ${ids[5]!}`.execute(t.deps.db)
    expect(await counts('counted')).toEqual(await truth('counted'))
    const deltas = await t.deps.db.selectFrom('comment_counts').select('n').where('site_id', '=', 'counted').execute()
    expect(deltas.length).toBeLessThanOrEqual(5)
    expect(await counts('counted')).toEqual(await truth('counted'))

    const rec = new Recorder(() => t.deps.db)
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec) })
    const res = await app.request('/api/mod/queue?site=counted&queue=pending&limit=5', { headers: { cookie: admin.cookie } })
    expect(res.status).toBe(200)
    // The counts ride in the page's statement: it reads the page's comments and their authors'
    // (history), never the site's other ~250 (with the table's statistics current, as in use).
    await sql`analyze comments`.execute(t.deps.db)
    const page = rec.sql.find((q) => /comment_counts/.test(q.sql))
    expect(page).toBeDefined()
    expect(await commentRowsRead(page!)).toBeLessThan(40)
  })
})

describe('the cached thread read', () => {
  it('answers reads that find a page stale at the same moment with ONE query, and keeps the encoded and gzipped page while the thread is unchanged', async () => {
    const uri = '/read-herd'
    for (let i = 0; i < 4; i++) {
      const res = await t.request('POST', '/api/comments', { json: newComment({ uri, body: `Comment ${i}: ${'a long enough comment to be served gzipped. '.repeat(12)}` }) })
      expect(res.status).toBe(201)
    }
    const rec = new Recorder(() => t.deps.db)
    const cache = new ThreadPageCache(1000)
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec), threadCache: cache })
    const read = () => app.request(`/api/comments?site=news&uri=${encodeURIComponent(uri)}`, { headers: { 'accept-encoding': 'gzip' } })
    const first = await read()
    expect(first.status).toBe(200)
    expect(first.headers.get('content-encoding')).toBe('gzip')
    const firstBytes = new Uint8Array(await first.arrayBuffer())
    const key = ['news', uri, '', 50, ''].join('\u0000')
    const before = cache.get(key)!
    expect(before.body).toBeDefined()
    expect(rec.sql.length).toBe(1)

    t.clock.advanceSeconds(1)
    const answers = await Promise.all(Array.from({ length: 20 }, read))
    // One version check for all twenty, not one each.
    expect(rec.sql.length).toBe(2)
    for (const res of answers) {
      expect(res.status).toBe(200)
      expect(res.headers.get('etag')).toBe(first.headers.get('etag'))
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(firstBytes)
    }
    // Nothing changed: the page was neither rendered nor compressed again.
    const after = cache.get(key)!
    expect(after).not.toBe(before)
    expect(after.body).toBe(before.body)

    // A write through this instance shows at once, and the page is built afresh.
    expect((await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(newComment({ uri })) })).status).toBe(201)
    const fresh = (await (await app.request(`/api/comments?site=news&uri=${encodeURIComponent(uri)}`)).json()) as { comments: unknown[]; thread: { commentCount: number } }
    expect(fresh.comments.length).toBe(5)
    expect(fresh.thread.commentCount).toBe(5)
    expect(cache.get(key)!.body).not.toBe(before.body)
  })
})

describe('counts', () => {
  it('answers counts for 50 pages with one statement (the site and the counts together)', async () => {
    for (const uri of ['/counted-a', '/counted-b', '/counted-b']) expect((await t.request('POST', '/api/comments', { json: newComment({ uri }) })).status).toBe(201)
    const rec = new Recorder(() => t.deps.db)
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec) })
    const uris = ['/counted-a', '/counted-b', ...Array.from({ length: 48 }, (_, i) => `/never-${i}`)]
    const res = await app.request(`/api/counts?site=news&${uris.map((u) => `uri=${encodeURIComponent(u)}`).join('&')}`)
    expect(res.status).toBe(200)
    const { counts } = (await res.json()) as { counts: { uri: string; count: number }[] }
    expect(counts.length).toBe(50)
    expect(counts.slice(0, 3)).toEqual([{ uri: '/counted-a', count: 1 }, { uri: '/counted-b', count: 2 }, { uri: '/never-0', count: 0 }])
    expect(rec.sql.length).toBe(1)
    expect((await app.request('/api/counts?site=nope&uri=/a')).status).toBe(404)
  })
})

describe('thread counters without a hot row', () => {
  const page = async (app: ReturnType<typeof createApp>, uri: string) => {
    const r = await app.request(`/api/comments?site=news&uri=${encodeURIComponent(uri)}`)
    return { etag: r.headers.get('etag'), ...((await r.json()) as { comments: { id: string }[]; thread: { commentCount: number } }) }
  }
  const deltas = async (uri: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from thread_deltas d join threads t on t.id = d.thread_id where t.uri = ${uri} and t.site_id = 'news'`.execute(t.deps.db)).rows[0]!.n

  it('counts every one of many posts sent at the same moment, folds now and then, and a fold leaves a cached page valid', async () => {
    const uri = '/stampede'
    const n = FOLD_EVERY + 6
    for (let i = 0; i < n; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => t.request('POST', '/api/comments', { json: newComment({ uri }) })))
      expect(batch.map((r) => r.status).every((s) => s === 201)).toBe(true)
    }
    const thread = await t.deps.db.selectFrom('threads').select(['id', 'comment_count']).where('uri', '=', uri).executeTakeFirstOrThrow()
    // Consecutive delta ids: one post among them folded the thread's deltas into its row.
    expect(thread.comment_count).toBeGreaterThan(0)
    expect(await deltas(uri)).toBeLessThan(n)

    const rec = new Recorder(() => t.deps.db)
    const cache = new ThreadPageCache(1000)
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(rec), threadCache: cache })
    const before = await page(app, uri)
    expect(before.thread.commentCount).toBe(n)
    const key = ['news', uri, '', 50, ''].join('\u0000')
    const entry = cache.get(key)!
    await foldThreadDeltas(t.deps.db, thread.id)
    expect(await deltas(uri)).toBe(0)
    t.clock.advanceSeconds(1)
    const after = await page(app, uri)
    // The fold moved neither the live count nor the live version: the page was kept as it was.
    expect(after.thread.commentCount).toBe(n)
    expect(after.etag).toBe(before.etag)
    expect(cache.get(key)!.body).toBe(entry.body)
  })

  it("shows another server's post, and a moderator's removal, through a cached page within THREAD_CACHE_SECONDS", async () => {
    const uri = '/two-caches'
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await t.request('POST', '/api/comments', { json: newComment({ uri }) })
      expect(res.status).toBe(201)
      ids.push((await res.json()).comment.id)
    }
    // Server B: its own page cache, on the same database. Writes go through the test's app (A).
    const b = createApp({ ...t.deps, threadCache: new ThreadPageCache(1000) })
    expect((await page(b, uri)).thread.commentCount).toBe(3)
    const posted = await t.request('POST', '/api/comments', { json: newComment({ uri }) })
    expect(posted.status).toBe(201)
    t.clock.advanceSeconds(1)
    const seen = await page(b, uri)
    expect(seen.thread.commentCount).toBe(4)
    expect(seen.comments.map((c) => c.id)).toContain((await posted.json()).comment.id)
    // The desk's thread list and a thread's patch answer count the deltas too.
    const listed = await (await admin.request('GET', `/api/mod/threads?site=news&q=${encodeURIComponent(uri)}`)).json()
    expect(listed.items.map((x: { commentCount: number }) => x.commentCount)).toEqual([4])
    const patched = await (await admin.request('PATCH', `/api/mod/threads/${listed.items[0].id}`, { json: { title: 'Two caches' } })).json()
    expect(patched.thread.commentCount).toBe(4)
    expect((await findThreadById(t.deps.db, listed.items[0].id))!.comment_count).toBe(4)
    t.clock.advanceSeconds(1)
    expect((await page(b, uri)).etag).not.toBe(seen.etag)

    const removed = await admin.request('POST', `/api/mod/comments/${ids[1]}/actions`, { json: { action: 'reject' } })
    expect(removed.status).toBe(200)
    // The moderation recount took the thread's deltas in: one row, no delta left.
    expect(await deltas(uri)).toBe(0)
    t.clock.advanceSeconds(1)
    const after = await page(b, uri)
    expect(after.thread.commentCount).toBe(3)
    expect(after.comments.map((c) => c.id)).not.toContain(ids[1])
    expect(after.etag).not.toBe(seen.etag)
  })
})
