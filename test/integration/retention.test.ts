import { afterEach, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { dumpDatabase } from '../helpers/dump.js'
import { deliverAll, moderate } from '../helpers/mail.js'
import { signIn } from '../helpers/mod.js'
import { memoryLogger } from '../../src/lib/log.js'
import { purgeAll, purgeIfDue, startRetentionWorker } from '../../src/privacy/retention.js'
import { addSite } from '../../src/sites/site.service.js'

let t: TestContext
afterEach(() => t?.close())

const DAY = 86_400_000

async function post(body: Record<string, unknown>, ip = '198.51.100.9') {
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: body, ip, headers: { 'user-agent': 'OldBrowser/1.0' } })
  expect([201, 202]).toContain(res.status)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}

const row = (id: string) => t.deps.db.selectFrom('comments').select(['id', 'status', 'ip_key', 'user_agent']).where('id', '=', id).executeTakeFirst()

describe('retention', { timeout: 90_000 }, () => {
  it('purges spam after 30 days and rejected comments after 90 (with reports and the emails about them), clears IP keys after 90, and logs counts', async () => {
    t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0, moderatorEmails: ['desk@news.example'] } })
    await addSite(t.testDb.db, { id: 'keep', name: 'Keeps everything', origins: [], settings: { moderationMode: 'pre', floodSeconds: 0, spamRetentionDays: 0, rejectedRetentionDays: 0, ipRetentionDays: 0 } }, t.clock.now())
    // Day 0: a spam comment, a rejected one with a reported, rejected reply chain, a rejected one others replied to, and approved ones.
    const spamOld = await post(newComment({ body: 'old spam', hp: 'bot' }))
    const rejOld = await post(newComment({ body: 'old rejected' }))
    await moderate(t, [rejOld], 'approve')
    const rejChild = await post(newComment({ body: 'rejected reply', parentId: rejOld }))
    await moderate(t, [rejChild], 'approve')
    await t.request('POST', `/api/comments/${rejChild}/report`, { json: { reason: 'abusive' } })
    await moderate(t, [rejOld, rejChild], 'reject')
    const rejWithReply = await post(newComment({ body: 'rejected, but replied to' }))
    await moderate(t, [rejWithReply], 'approve')
    const liveReply = await post(newComment({ body: 'a live reply', parentId: rejWithReply }))
    await moderate(t, [liveReply], 'approve')
    await moderate(t, [rejWithReply], 'reject')
    const approvedOld = await post(newComment({ body: 'approved long ago' }))
    await moderate(t, [approvedOld], 'approve')
    await t.request('POST', `/api/comments/${approvedOld}/report`, { json: { reason: 'other' } })
    const keepSpam = await post({ ...newComment({ body: 'spam kept forever', hp: 'bot' }), site: 'keep' })
    const keepOld = await post({ ...newComment({ body: 'kept with its IP' }), site: 'keep' })
    await deliverAll(t)
    const aboutRejected = await t.deps.db.selectFrom('email_outbox').select('id').where('comment_id', '=', rejOld).execute()
    expect(aboutRejected.length).toBeGreaterThan(0)

    // Day 31: only the old spam is due.
    t.clock.advance(31 * DAY)
    const spamNew = await post(newComment({ body: 'new spam', hp: 'bot' }))
    const r1 = await purgeAll(t.deps)
    expect(r1.find((r) => r.site === 'news')).toEqual({ site: 'news', spam: 1, rejected: 0, ipCleared: 0, reportIpCleared: 0 })
    expect(await row(spamOld)).toBeUndefined()
    expect(await row(spamNew)).toBeDefined()

    // Day 91: rejected comments (the chain leaf first, then its parent), IP keys of comments older than 90 days.
    t.clock.advance(60 * DAY)
    const log = memoryLogger()
    const r2 = await purgeAll({ ...t.deps, log })
    expect(r2.find((r) => r.site === 'news')).toEqual({ site: 'news', spam: 1, rejected: 2, ipCleared: 3, reportIpCleared: 1 })
    expect(r2.find((r) => r.site === 'keep')).toEqual({ site: 'keep', spam: 0, rejected: 0, ipCleared: 0, reportIpCleared: 0 })
    expect(log.lines.join('\n')).toMatch(/retention purge .*"site":"news","spam":1,"rejected":2,"ipCleared":3/)
    for (const id of [rejOld, rejChild, spamNew]) expect(await row(id), id).toBeUndefined()
    expect(await t.deps.db.selectFrom('reports').select('id').where('comment_id', '=', rejChild).execute()).toEqual([])
    expect(await t.deps.db.selectFrom('email_outbox').select('id').where('comment_id', 'in', [rejOld, rejChild]).execute()).toEqual([])
    // A rejected comment someone replied to stays (its reply needs it), without its IP key now.
    expect(await row(rejWithReply)).toMatchObject({ status: 'rejected', ip_key: null, user_agent: null })
    expect(await row(approvedOld)).toMatchObject({ status: 'approved', ip_key: null, user_agent: null })
    // The other site keeps everything.
    expect(await row(keepSpam)).toMatchObject({ status: 'spam' })
    expect((await row(keepOld))!.ip_key).not.toBeNull()
    // The moderators see it in the audit log, and the queues at once.
    const admin = await signIn(t, { role: 'admin' })
    const audit = ((await (await admin.request('GET', '/api/mod/audit?site=news')).json()) as any).items
    expect(audit.filter((a: any) => a.action === 'retention_purge').map((a: any) => a.details)).toEqual([
      { spam: 1, rejected: 2, ipCleared: 3 },
      { spam: 1, rejected: 0, ipCleared: 0 },
    ])
    expect(((await (await admin.request('GET', '/api/mod/queue?site=news&queue=spam')).json()) as any).counts).toMatchObject({ spam: 0, rejected: 1 })
  })

  it('0 keeps forever, and a changed setting counts from the comment, not from the change', async () => {
    t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0, spamRetentionDays: 0, ipRetentionDays: 0 } })
    const spam = await post(newComment({ body: 'spam', hp: 'bot' }))
    t.clock.advance(3650 * DAY)
    await purgeAll(t.deps)
    expect(await row(spam)).toMatchObject({ status: 'spam' })
    expect((await row(spam))!.ip_key).not.toBeNull()
    const admin = await signIn(t, { role: 'admin' })
    expect((await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { spamRetentionDays: 7, ipRetentionDays: 1 } })).status).toBe(200)
    await purgeAll(t.deps)
    expect(await row(spam)).toBeUndefined()
  })

  it('runs at most once an hour across workers; the worker loop purges and logs', async () => {
    t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0 } })
    const spam = await post(newComment({ body: 'spam', hp: 'bot' }))
    t.clock.advance(40 * DAY)
    expect(await purgeIfDue(t.deps)).not.toBeNull()
    expect(await purgeIfDue(t.deps)).toBeNull()
    t.clock.advance(59 * 60_000)
    expect(await purgeIfDue(t.deps)).toBeNull()
    t.clock.advance(2 * 60_000)
    expect(await purgeIfDue(t.deps)).not.toBeNull()
    expect(await row(spam)).toBeUndefined()

    const again = await post(newComment({ body: 'more spam', hp: 'bot' }))
    t.clock.advance(40 * DAY)
    const log = memoryLogger()
    const worker = startRetentionWorker({ ...t.deps, log }, { intervalMs: 20 })
    for (let i = 0; i < 200 && (await row(again)); i++) await new Promise((r) => setTimeout(r, 20))
    await worker.stop()
    expect(await row(again)).toBeUndefined()
    expect(log.lines.some((l) => l.includes('retention purge') && l.includes('"spam":1'))).toBe(true)
  })

  it('bans keep their own keys: an IP ban made before the purge still holds, but an old comment can no longer be banned by IP', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const old = await post(newComment({ body: 'troll' }), '203.0.113.50')
    const other = await post(newComment({ body: 'another troll' }), '203.0.113.51')
    const admin = await signIn(t, { role: 'admin' })
    expect((await admin.request('POST', '/api/mod/bans', { json: { site: 'news', ip: old, reason: 'trolling' } })).status).toBe(201)
    t.clock.advance(91 * DAY)
    await purgeAll(t.deps)
    expect((await row(old))!.ip_key).toBeNull()
    t.clock.advanceSeconds(30)
    expect((await t.request('POST', '/api/comments', { json: newComment({ body: 'I am back' }), ip: '203.0.113.50' })).status).toBe(403)
    const admin2 = await signIn(t, { role: 'admin' }) // the first session expired meanwhile
    const late = await admin2.request('POST', '/api/mod/bans', { json: { site: 'news', ip: other, reason: 'late' } })
    expect(late.status).toBe(400)
    expect(((await late.json()) as any).error.fields).toEqual([{ path: 'ip', message: 'that comment has no IP on record' }])
    // Nothing in the comments table remembers the old IPs.
    const ipKey = await t.deps.keys.ipKey('203.0.113.51')
    expect((await dumpDatabase(t.deps.db)).filter((d) => d.table === 'comments' && d.text.includes(ipKey))).toEqual([])
  })
})
