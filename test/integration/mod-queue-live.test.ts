// The moderator queue is read in one statement and, on PGlite, kept between writes
// (src/db/writes.ts, QueuePageCache; docs/perf.md round 3). Whatever is kept, every read must be
// current: the cards and every count true after each kind of write, and a moderator of one site
// never answered from another's scope.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueuePageCache } from '../../src/moderation/queue.service.js'
import { erasePrivacyData } from '../../src/privacy/privacy.service.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { cli, fixture } from '../helpers/imports.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
const cache = new QueuePageCache()
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0 }, deps: { queueCache: cache } })
  admin = await signIn(t)
})
afterAll(() => t.close())

const truth = async (site: string) => {
  const rows = await t.deps.db.selectFrom('comments').select(['id', 'status', 'open_reports', 'created_at', 'seq']).where('site_id', '=', site).orderBy('created_at', 'desc').orderBy('seq', 'desc').execute()
  return {
    pending: rows.filter((r) => r.status === 'pending').map((r) => r.id),
    counts: {
      pending: rows.filter((r) => r.status === 'pending').length,
      reported: rows.filter((r) => r.status === 'approved' && r.open_reports > 0).length,
      approved: rows.filter((r) => r.status === 'approved').length,
      rejected: rows.filter((r) => r.status === 'rejected').length,
      spam: rows.filter((r) => r.status === 'spam').length,
    },
  }
}

/** The queue as the API answers it, asked twice (the second may come from what was kept), checked against the table. */
async function expectCurrent(who: SignedIn, site: string) {
  const want = await truth(site)
  for (let i = 0; i < 2; i++) {
    const res = await who.request('GET', `/api/mod/queue?site=${site}&queue=pending&limit=100`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { items: { id: string }[]; counts: Record<string, number> }
    expect(body.counts).toEqual(want.counts)
    expect(body.items.map((c) => c.id)).toEqual(want.pending)
  }
  const page = await (await who.request('GET', `/mod/queue?site=${site}&queue=pending`)).text()
  expect(page.split('<li class="card"').length - 1).toBe(want.pending.length)
  expect(page).toContain(`aria-label="${want.counts.pending} comments">${want.counts.pending}</span>`)
}

const held = async (site: string, over: Record<string, unknown> = {}) => {
  const res = await t.request('POST', '/api/comments', { json: newComment({ site, uri: '/live', ...over }) })
  expect(res.status).toBe(202)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}

describe('the queue between writes', () => {
  it('is current after every kind of write: posts, approve, reject, spam, reports, erasure, an import, SQL by hand', async () => {
    await addSite(t.deps.db, { id: 'live', origins: ['https://live.example'], settings: { moderationMode: 'pre', floodSeconds: 0 } }, t.clock.now())
    const ids: string[] = []
    for (let i = 0; i < 6; i++) ids.push(await held('live', i === 5 ? { email: 'erase-me@example.org' } : {}))
    const hitsBefore = cache.hits
    await expectCurrent(admin, 'live')
    // On PGlite the second read of the same address came from what was kept (and still was current).
    if (t.testDb.kind === 'pglite') expect(cache.hits).toBeGreaterThan(hitsBefore)

    for (const [id, action] of [[ids[0], 'approve'], [ids[1], 'reject'], [ids[2], 'spam'], [ids[3], 'approve']] as const) {
      expect((await admin.request('POST', `/api/mod/comments/${id}/actions`, { json: { action } })).status).toBe(200)
      await expectCurrent(admin, 'live')
    }
    expect((await t.request('POST', `/api/comments/${ids[0]}/report`, { json: { reason: 'spam' } })).status).toBe(202)
    await expectCurrent(admin, 'live')
    // The desk's form post, as the page's buttons send it.
    const act = await t.request('POST', '/mod/act', {
      body: new URLSearchParams({ one: `${ids[4]}:approve`, return: '/mod/queue?site=live' }).toString(),
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' },
    })
    expect(act.status).toBe(303)
    await expectCurrent(admin, 'live')

    const key = await t.deps.db.selectFrom('comments').select('email_key').where('id', '=', ids[5]!).executeTakeFirstOrThrow()
    const erased = await erasePrivacyData(t.deps, { siteId: 'live', emailKey: key.email_key!, actor: null, via: 'cli' })
    expect(erased.erased).toBe(1)
    await expectCurrent(admin, 'live')

    const r = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'live', '--json'])
    expect(r.code).toBe(0)
    expect((await truth('live')).counts.pending).toBeGreaterThan(0)
    await expectCurrent(admin, 'live')

    await sql`update comments set status = 'approved' where site_id = 'live' and status = 'pending'`.execute(t.deps.db)
    await expectCurrent(admin, 'live')
    await held('live')
    await expectCurrent(admin, 'live')
  })

  it('never answers a moderator of one site from another scope, nor counts another site for them', async () => {
    await addSite(t.deps.db, { id: 'alpha', origins: [], settings: { moderationMode: 'pre', floodSeconds: 0 } }, t.clock.now())
    await addSite(t.deps.db, { id: 'beta', origins: [], settings: { moderationMode: 'pre', floodSeconds: 0 } }, t.clock.now())
    const a = [await held('alpha'), await held('alpha')]
    const b = [await held('beta'), await held('beta'), await held('beta')]
    // The desk's list of sites is kept between writes too: the new sites show at once, and a rename.
    expect(await (await admin.request('GET', '/mod/queue?queue=pending')).text()).toContain('<option value="beta">beta</option>')
    await sql`update sites set name = 'Beta Desk' where id = 'beta'`.execute(t.deps.db)
    expect(await (await admin.request('GET', '/mod/queue?queue=pending')).text()).toContain('<option value="beta">Beta Desk</option>')
    const alphaMod = await signIn(t, { role: 'moderator', sites: ['alpha'] })
    const everyPending = async (who: SignedIn) => {
      const res = await who.request('GET', '/api/mod/queue?queue=pending&limit=100')
      expect(res.status).toBe(200)
      return (await res.json()) as { items: { id: string; site: string }[]; counts: Record<string, number> }
    }
    for (let round = 0; round < 2; round++) {
      // The admin of every site reads the same address first: their answer holds beta's comments.
      const all = await everyPending(admin)
      expect(all.items.map((c) => c.id)).toEqual(expect.arrayContaining([...a, ...b]))
      const mine = await everyPending(alphaMod)
      expect(new Set(mine.items.map((c) => c.site))).toEqual(new Set(['alpha']))
      expect(mine.items.map((c) => c.id).sort()).toEqual([...a].sort())
      expect(mine.counts.pending).toBe(2)
      expect((await alphaMod.request('GET', '/api/mod/queue?site=beta&queue=pending')).status).toBe(403)
      expect(await (await alphaMod.request('GET', '/mod/queue?queue=pending')).text()).not.toContain(b[0]!)
    }
  })
})
