import { afterEach, describe, expect, it } from 'vitest'
import { memoryLogger } from '../../src/lib/log.js'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { createDevMailbox } from '../../src/mail/dev-mailbox.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { sendDueDigests } from '../../src/follows/digest.js'
import { signToken } from '../../src/notifications/tokens.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'
import { dumpDatabase, findInDump, tablesOf } from '../helpers/dump.js'
import { addUser, linkTo, moderate, postForm } from '../helpers/mail.js'
import { signIn } from '../helpers/mod.js'

let t: TestContext
afterEach(() => t?.close())

// The person who asks to be forgotten: distinctive everything, so a leftover cannot hide.
const ZOE = {
  email: 'Zoe.Eraser+News@Example.ORG',
  name: 'Zoe Quintessa-Erased',
  url: 'https://zoe-quintessa.example/blog',
  ip: '203.0.113.77',
  ua: 'ZoeBrowser/7.7 (erase-me)',
}
const OTTO = { email: 'otto.other@example.net', name: 'Otto Stays', ip: '198.51.100.200' }
const WITNESS = { email: 'wendy.witness@example.net', name: 'Wendy Witness', ip: '198.51.100.201' }

async function post(body: Record<string, unknown>, who: { ip: string; ua?: string }) {
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: body, ip: who.ip, headers: { 'user-agent': who.ua ?? 'TestAgent/1.0' } })
  expect([201, 202], await res.clone().text()).toContain(res.status)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}

const zoe = (over: Record<string, unknown>) => newComment({ name: ZOE.name, email: ZOE.email, url: ZOE.url, ...over })

/**
 * A thread where Zoe has comments in every state: one others replied to (it must stay as a
 * tombstone), her own reply chain, a rejected and a spam one, a reply to someone else, a report
 * against her, a subscription, a ban, a privacy request, emails about her sent and unsent
 * (through the dev mailbox, so it holds copies too), and the same address on another site.
 */
async function scenario() {
  t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0, moderatorEmails: ['desk@news.example'] } })
  const devMail = createDevMailbox(t.testDb.db, memoryLogger(), t.clock)
  const deliver = async () => {
    for (let i = 0; i < 20 && (await deliverDue({ ...t.deps, mailer: devMail }, { limit: 50 })).claimed > 0; i++);
  }
  await addSite(t.testDb.db, { id: 'other', name: 'Other Site', origins: ['https://other.example'], settings: { moderationMode: 'post', floodSeconds: 0 } }, t.clock.now())
  await t.deps.db
    .insertInto('site_authors')
    .values({ site_id: 'news', handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley@newsroom.example', notify: true, created_at: t.clock.now() })
    .execute()
  const mod = await addUser(t, { email: 'desk-admin@news.example', role: 'admin' })

  // Zoe's first comment, with "notify me": held (moderation email, Reply-To Zoe), confirmation email.
  const a1 = await post(zoe({ author: 'ashley-davis', body: 'ZQ-secret-one: the first words of Zoe.', notifyReplies: true }), ZOE)
  await deliver()
  const confirm = await t.deps.db.selectFrom('dev_mailbox').selectAll().where('subject', 'like', '%confirm%').executeTakeFirstOrThrow()
  expect((await postForm(t, linkTo({ text: confirm.text_body }, '/email/confirm'))).status).toBe(200)
  await moderate(t, [a1], 'approve', mod) // "approved" to Zoe, "new comment" to the author
  // Otto replies; approved → a reply email to Zoe quoting both.
  const r1 = await post(newComment({ name: OTTO.name, email: OTTO.email, parentId: a1, body: 'OTTO-reply-text stays.', notifyReplies: true }), OTTO)
  await moderate(t, [r1], 'approve', mod)
  await deliver()
  const ottoConfirm = await t.deps.db.selectFrom('dev_mailbox').selectAll().where('to_address', '=', OTTO.email).where('subject', 'like', '%confirm%').executeTakeFirstOrThrow()
  await postForm(t, linkTo({ text: ottoConfirm.text_body }, '/email/confirm'))
  // Zoe answers Otto (lowercase address: the same person) → a reply email to Otto quoting Zoe.
  const a4 = await post(zoe({ email: ZOE.email.toLowerCase(), parentId: r1, body: 'ZQ-secret-four answers Otto.' }), ZOE)
  await moderate(t, [a4], 'approve', mod)
  // Zoe's own little chain, a rejected and a spam comment.
  const a5 = await post(zoe({ uri: '/2026/11/other-story', title: 'Another story', body: 'ZQ-secret-five.' }), ZOE)
  await moderate(t, [a5], 'approve', mod)
  const a6 = await post(zoe({ uri: '/2026/11/other-story', parentId: a5, body: 'ZQ-secret-six replies to herself.' }), ZOE)
  await moderate(t, [a6], 'approve', mod)
  const a2 = await post(zoe({ body: 'ZQ-secret-two gets rejected.' }), ZOE)
  // A moderator's reason that names her (the audit must not keep it once she is erased).
  await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [a2], action: 'reject', actor: mod, reason: `${ZOE.name} again, off topic` }))
  const a3 = await post(zoe({ body: 'ZQ-secret-three is spam.', hp: 'filled' }), ZOE)
  // A witness reports Zoe's first comment, naming her.
  expect((await t.request('POST', `/api/comments/${a1}/report`, { json: { reason: 'other', details: `${ZOE.name} is rude` }, ip: WITNESS.ip })).status).toBe(202)
  // Zoe also reported someone (from her IP).
  const w = await post(newComment({ name: WITNESS.name, email: WITNESS.email, body: 'WITNESS-words.' }), WITNESS)
  await moderate(t, [w], 'approve', mod)
  await t.request('POST', `/api/comments/${w}/report`, { json: { reason: 'spam' }, ip: ZOE.ip })
  // A privacy request (its email delivered too).
  expect((await t.request('POST', '/api/privacy/requests', { json: { site: 'news', email: ZOE.email }, ip: ZOE.ip })).status).toBe(202)
  // The same address on another site: none of this may change.
  t.clock.advanceSeconds(20)
  const elsewhere = await t.request('POST', '/api/comments', {
    json: { ...zoe({ body: 'ZQ-on-the-other-site.', notifyReplies: true }), site: 'other' },
    ip: ZOE.ip,
    headers: { 'user-agent': ZOE.ua },
  })
  expect(elsewhere.status).toBe(201)
  await deliver()
  // She follows an article too (issue 15): confirmed, one digest sent, the next one written but unsent.
  expect((await t.request('POST', '/api/follows', { json: { site: 'news', uri: '/2026/11/followed', title: 'Followed', email: ZOE.email }, ip: ZOE.ip })).status).toBe(202)
  await deliver()
  const followConfirm = await t.deps.db.selectFrom('dev_mailbox').selectAll().where('subject', 'like', '%Please confirm: new comments%').executeTakeFirstOrThrow()
  expect((await postForm(t, linkTo({ text: followConfirm.text_body }, '/email/follow/confirm'))).status).toBe(200)
  const f1 = await post(newComment({ uri: '/2026/11/followed', name: WITNESS.name, email: WITNESS.email, body: 'WITNESS-followed-one.' }), WITNESS)
  await moderate(t, [f1], 'approve', mod)
  expect((await sendDueDigests(t.deps)).digests).toBe(1)
  await deliver()
  const f2 = await post(newComment({ uri: '/2026/11/followed', name: WITNESS.name, email: WITNESS.email, body: 'WITNESS-followed-two.' }), WITNESS)
  await moderate(t, [f2], 'approve', mod)
  t.clock.advanceSeconds(3601)
  expect((await sendDueDigests(t.deps)).digests).toBe(1)
  // Still unsent when she erases: a held comment's moderation email (it quotes her).
  const a7 = await post(zoe({ body: 'ZQ-secret-seven waits in the queue.' }), ZOE)
  // A ban on her address on this site.
  const admin = await signIn(t, { role: 'admin' })
  expect((await admin.request('POST', '/api/mod/bans', { json: { site: 'news', email: ZOE.email, reason: 'cooling off' } })).status).toBe(201)
  return { ids: { a1, a2, a3, a4, a5, a6, a7 }, others: { r1, w }, admin, deliver }
}

async function zoeKeys() {
  return {
    email: await t.deps.keys.emailKey(ZOE.email),
    ip: await t.deps.keys.ipKey(ZOE.ip),
    avatar: await t.deps.keys.avatarKey('news', { email: ZOE.email, name: '' }),
  }
}

async function privacyToken() {
  const key = await t.deps.keys.emailKey(ZOE.email)
  return signToken(t.deps.keys, 'privacy', { site: 'news', key, t: t.clock.now().getTime() }, t.clock.now())
}

const otherSiteRows = async () =>
  (await dumpDatabase(t.deps.db)).filter((d) => d.row.site_id === 'other').map((d) => `${d.table} ${JSON.stringify(d.row)}`).sort()

// The scenario makes ~40 requests; on a busy machine that takes a while.
describe('erase everything', { timeout: 120_000 }, () => {
  it('tombstones what others replied to, deletes the rest, and leaves no trace of the address anywhere in the database', async () => {
    const { ids, others } = await scenario()
    const keys = await zoeKeys()
    const needles = [ZOE.email, ZOE.email.toLowerCase(), ZOE.name, 'zoe-quintessa', ZOE.ua, 'ZQ-secret', keys.email, keys.ip, keys.avatar]
    // Before: the scan finds her everywhere (so it would see a leftover).
    const before = await dumpDatabase(t.deps.db)
    const foundBefore = new Set(findInDump(before, needles).map((h) => h.table))
    for (const table of ['comments', 'subscriptions', 'email_outbox', 'dev_mailbox', 'reports', 'bans', 'privacy_requests', 'moderation_actions', 'thread_follows'])
      expect(foundBefore, `her data is in ${table} before the erase`).toContain(table)
    const otherBefore = await otherSiteRows()
    // The public thread, cached, and the counts before.
    const thread = async () => (await (await t.request('GET', '/api/comments?site=news&uri=/2026/11/cartels')).json()) as any
    const counts = async () => ((await (await t.request('GET', '/api/counts?site=news&uri=/2026/11/cartels&uri=/2026/11/other-story')).json()) as any).counts
    const admin = await signIn(t, { role: 'admin' })
    const queueCounts = async () => ((await (await admin.request('GET', '/api/mod/queue?site=news&queue=pending')).json()) as any).counts
    expect((await thread()).comments.map((c: any) => c.id)).toEqual(expect.arrayContaining([ids.a1, others.r1, ids.a4]))
    expect(await counts()).toEqual([
      { uri: '/2026/11/cartels', count: 4 },
      { uri: '/2026/11/other-story', count: 2 },
    ])
    expect(await queueCounts()).toMatchObject({ pending: 1, rejected: 1, spam: 1, reported: 2 })

    const res = await t.request('POST', '/api/privacy/erase', { json: { token: await privacyToken() } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ erased: 7, tombstoned: 1 })

    // Others' replies stay in place under a tombstone; her words are gone from the page, the counts and the queues at once.
    const after = await thread()
    const a1 = after.comments.find((c: any) => c.id === ids.a1)
    expect(a1).toMatchObject({ status: 'deleted', html: '', author: { name: '', url: null, avatar: '' } })
    expect(after.comments.find((c: any) => c.id === others.r1)).toMatchObject({ status: 'approved', parentId: ids.a1 })
    expect(after.comments.map((c: any) => c.id)).not.toContain(ids.a4)
    expect(JSON.stringify(after)).not.toContain('ZQ-secret')
    expect(after.thread.commentCount).toBe(2)
    expect(await counts()).toEqual([
      { uri: '/2026/11/cartels', count: 2 },
      { uri: '/2026/11/other-story', count: 0 },
    ])
    expect(await queueCounts()).toMatchObject({ pending: 0, rejected: 0, spam: 0, reported: 1 })

    // The email key matches no comment of the site any more.
    const byKey = await t.deps.db.selectFrom('comments').select('id').where('site_id', '=', 'news').where('email_key', '=', keys.email).execute()
    expect(byKey).toEqual([])
    const remaining = await t.deps.db.selectFrom('comments').select('id').where('id', 'in', Object.values(ids)).execute()
    expect(remaining.map((r) => r.id)).toEqual([ids.a1])

    // The audit keeps "erased N comments" with the email key only.
    const audit = await t.deps.db.selectFrom('moderation_actions').selectAll().where('action', '=', 'privacy_erase').execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]!.reason).toBe("Erased 7 comments at the author's request.")
    expect(audit[0]!.details).toMatchObject({ emailKey: keys.email, erased: 7, tombstoned: 1, via: 'link' })
    expect(audit[0]!.actor_id).toBeNull()

    // The whole database: nothing of her but the key in the audit (and the ban's key), and the other site's rows.
    const dump = await dumpDatabase(t.deps.db)
    expect(tablesOf(dump)).toEqual(expect.arrayContaining(['comments', 'email_outbox', 'dev_mailbox', 'subscriptions', 'reports', 'bans', 'moderation_actions', 'threads']))
    const otherMessageIds = new Set(dump.filter((d) => d.table === 'email_outbox' && d.row.site_id === 'other').map((d) => d.row.message_id))
    const hits = findInDump(dump, needles).filter(
      (h) =>
        h.row.site_id !== 'other' &&
        !(h.table === 'dev_mailbox' && otherMessageIds.has(h.row.message_id)) &&
        // The key alone, where the erase was recorded and where the ban stays in force.
        !(h.needle === keys.email && h.table === 'moderation_actions' && ['privacy_erase'].includes(h.row.action as string)) &&
        !(h.needle === keys.email && h.table === 'bans' && h.row.email === null),
    )
    expect(hits.map((h) => `${h.table}: ${h.needle} in ${JSON.stringify(h.row).slice(0, 300)}`)).toEqual([])
    // Otto's and the witness's own data is still there.
    expect(findInDump(dump, ['OTTO-reply-text', OTTO.email, 'WITNESS-words']).map((h) => h.table)).toEqual(expect.arrayContaining(['comments']))

    // Nothing of the other site changed.
    expect(await otherSiteRows()).toEqual(otherBefore)

    // The ban still holds: she cannot comment again on this site.
    t.clock.advanceSeconds(20)
    expect((await t.request('POST', '/api/comments', { json: zoe({ body: 'back again' }), ip: '192.0.2.9' })).status).toBe(403)
  })

  it('cancels her unsent email, keeps delivering everyone else’s, and the link is spent (410) for every use', async () => {
    const { ids, deliver } = await scenario()
    const token = await privacyToken()
    // An email about her that was never sent, and one to Otto that has nothing to do with her.
    const pendingAbout = await t.deps.db.selectFrom('email_outbox').select(['id', 'status']).where('comment_id', '=', ids.a7).execute()
    expect(pendingAbout.length).toBeGreaterThan(0)
    expect(pendingAbout.every((r) => r.status === 'pending')).toBe(true)
    t.clock.advanceSeconds(20)
    await post(newComment({ name: OTTO.name, email: OTTO.email, body: 'OTTO again.' }), OTTO)

    expect((await t.request('POST', '/api/privacy/erase', { json: { token } })).status).toBe(200)
    expect(await t.deps.db.selectFrom('email_outbox').select('id').where('comment_id', 'in', Object.values(ids)).execute()).toEqual([])
    // Her unsent digest went too; her follow and what waited for it are gone.
    expect(await t.deps.db.selectFrom('email_outbox').select('id').where('kind', '=', 'follow_digest').execute()).toEqual([])
    expect(await t.deps.db.selectFrom('thread_follows').select('id').execute()).toEqual([])
    const mailBefore = await t.deps.db.selectFrom('dev_mailbox').select('id').execute()
    await deliver()
    const delivered = await t.deps.db.selectFrom('dev_mailbox').select(['to_address', 'text_body']).where('id', 'not in', mailBefore.length ? mailBefore.map((m) => m.id) : ['0']).execute()
    expect(delivered.length).toBeGreaterThan(0)
    expect(delivered.map((d) => d.to_address)).not.toContain(ZOE.email)
    expect(delivered.every((d) => !d.text_body.includes('ZQ-secret'))).toBe(true)

    for (const path of ['/api/privacy/erase', '/api/privacy/export', '/api/privacy/unsubscribe']) {
      const again = await t.request('POST', path, { json: { token } })
      expect(again.status, path).toBe(410)
      expect(((await again.json()) as any).error.code).toBe('token_used')
    }
    const page = await t.request('GET', `/privacy/manage?token=${token}`)
    expect(page.status).toBe(410)
    expect(await page.text()).toContain('Already erased')
    expect((await postForm(t, 'http://parley.test/privacy/manage/erase', { token, confirm: 'yes' })).status).toBe(410)

    // A link asked for after the erase works again (for whatever she writes later).
    t.clock.advanceSeconds(5)
    const fresh = await privacyToken()
    const res = await t.request('POST', '/api/privacy/export', { json: { token: fresh } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).comments).toEqual([])
  })

  it('by an admin: the same erase from the moderator API, audited with the admin and the key only', async () => {
    const { ids, admin } = await scenario()
    const moderator = await signIn(t, { role: 'moderator' })
    const refused = await moderator.request('POST', '/api/mod/privacy/erase', { json: { site: 'news', email: ZOE.email }, headers: { origin: 'http://parley.test' } })
    expect(refused.status).toBe(403)
    expect(await t.deps.db.selectFrom('comments').select('id').where('id', '=', ids.a2).execute()).toHaveLength(1)

    const res = await admin.request('POST', '/api/mod/privacy/erase', { json: { site: 'news', email: ZOE.email.toUpperCase() } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ erased: 7, tombstoned: 1 })
    const audit = await admin.request('GET', '/api/mod/audit?site=news')
    const entry = ((await audit.json()) as any).items.find((i: any) => i.action === 'privacy_erase')
    expect(entry).toMatchObject({ actor: { id: admin.id, email: admin.email }, reason: "Erased 7 comments at the author's request.", commentId: null })
    expect(JSON.stringify(entry).toLowerCase()).not.toContain('zoe')
    // Her token-less data: the other site still has her comment.
    const elsewhere = await t.deps.db.selectFrom('comments').select('body_md').where('site_id', '=', 'other').execute()
    expect(elsewhere.map((c) => c.body_md)).toEqual(['ZQ-on-the-other-site.'])
  })

  it('answers the cross-origin browser of the site, and 403 to another origin', async () => {
    t = await createTestContext()
    const token = await signToken(t.deps.keys, 'privacy', { site: 'news', key: await t.deps.keys.emailKey('nobody@example.org'), t: t.clock.now().getTime() }, t.clock.now())
    const ok = await t.request('POST', '/api/privacy/export', { json: { token }, headers: { origin: NEWS_ORIGIN } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    expect(ok.headers.get('cache-control')).toBe('no-store')
    const bad = await t.request('POST', '/api/privacy/erase', { json: { token }, headers: { origin: 'https://evil.example' } })
    expect(bad.status).toBe(403)
    expect(await t.deps.db.selectFrom('moderation_actions').select('id').where('action', '=', 'privacy_erase').execute()).toEqual([])
  })
})
