import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { sendDueDigests } from '../../src/follows/digest.js'
import { FOLLOW_REQUESTS_PER_IP_HOUR } from '../../src/follows/follow.service.js'
import { createSmtpMailer } from '../../src/mail/smtp.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { signToken } from '../../src/notifications/tokens.js'
import { purgeAll } from '../../src/privacy/retention.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'
import { addUser, linksIn, moderate, pathOf, postForm } from '../helpers/mail.js'
import { startSmtp, type Received } from '../helpers/smtp.js'

/**
 * Following a discussion without commenting (issue 15 item 6): POST /api/follows, double opt-in,
 * the digest rule (one email per follower per window, listing every new published comment),
 * one-click unsubscribe, and the reader's privacy page. Mail goes through a real SMTP server.
 */

let t: TestContext | undefined
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await t?.close()
  t = undefined
})

const URI = '/2026/11/followed-story'
const TITLE = 'A story worth following'

async function setup(settings: Partial<SiteSettings> = {}) {
  const smtp = await startSmtp()
  const mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 5000 })
  cleanups.push(() => smtp.stop(), async () => mailer.close?.())
  const ctx = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0, ...settings }, deps: { mailer } })
  t = ctx
  /** Writes due digests into the outbox and delivers everything due; returns what SMTP got in this call. */
  const run = async (): Promise<Received[]> => {
    const before = smtp.received.length
    await sendDueDigests(ctx.deps)
    for (let i = 0; i < 50 && (await deliverDue(ctx.deps, { limit: 50 })).claimed > 0; i++);
    return smtp.received.slice(before)
  }
  return { smtp, t: ctx, run }
}

const follow = (ctx: TestContext, over: Record<string, unknown> = {}, ip?: string) =>
  ctx.request('POST', '/api/follows', { json: { site: 'news', uri: URI, title: TITLE, email: 'fiona.follower@example.org', ...over }, ...(ip ? { ip } : {}) })

async function post(ctx: TestContext, over: Record<string, unknown> = {}) {
  const res = await ctx.request('POST', '/api/comments', { json: newComment({ uri: URI, title: TITLE, ...over }) })
  expect([201, 202], await res.clone().text()).toContain(res.status)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}

const to = (r: Received) => r.envelopeTo.join(',')
const unfold = (line: string | undefined) => line?.replace(/\r?\n[ \t]+/g, ' ')
const linkIn = (r: Received, path: string) => {
  const l = linksIn(r.mail.text ?? '').find((u) => new URL(u).pathname === path)
  expect(l, `a link to ${path} in "${r.mail.subject}"`).toBeDefined()
  return l!
}
/** The one-click target of a mail's List-Unsubscribe header. */
const listUnsubscribe = (r: Received) => /<([^>]+)>/.exec(unfold(r.header('list-unsubscribe')) ?? '')?.[1]

async function followAndConfirm(ctx: TestContext, run: () => Promise<Received[]>, email: string, over: Record<string, unknown> = {}) {
  expect((await follow(ctx, { email, ...over })).status).toBe(202)
  const mails = (await run()).filter((m) => to(m) === email)
  expect(mails, `one confirmation to ${email}`).toHaveLength(1)
  const confirm = linkIn(mails[0]!, '/email/follow/confirm')
  expect((await postForm(ctx, confirm)).status).toBe(200)
  return mails[0]!
}

describe('POST /api/follows', () => {
  it('refuses bad input with a clear 4xx and stores nothing', async () => {
    const { t } = await setup()
    const count = async () => Number((await t.deps.db.selectFrom('thread_follows').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const fieldsOf = async (res: Response) => ((await res.json()) as any).error.fields.map((f: any) => f.path).sort()

    let res = await t.request('POST', '/api/follows', { json: {} })
    expect(res.status).toBe(400)
    expect(await fieldsOf(res)).toEqual(['email', 'site', 'uri'])
    res = await follow(t, { email: 'not-an-address' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error).toMatchObject({ code: 'validation_failed', fields: [{ path: 'email', message: 'must be a valid email address' }] })
    expect(await fieldsOf(await follow(t, { uri: 'no-slash' }))).toEqual(['uri'])
    expect(await fieldsOf(await follow(t, { lang: 'not a tag!' }))).toEqual(['lang'])
    expect(await fieldsOf(await follow(t, { title: 'x'.repeat(501) }))).toEqual(['title'])
    expect(await fieldsOf(await follow(t, { email: 42 }))).toEqual(['email'])
    expect((await follow(t, { site: 'nosuch' })).status).toBe(404)
    expect((await t.request('POST', '/api/follows', { body: 'site=news', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415)
    expect((await t.request('POST', '/api/follows', { body: '{"site":', headers: { 'content-type': 'application/json' } })).status).toBe(400)
    expect((await follow(t, { email: 'x@example.org' })).status).toBe(202)
    expect(await count()).toBe(1) // only the one valid request
    await t.deps.db.deleteFrom('thread_follows').execute()
    // From a page of another site: 403, nothing stored. From the site's own page: fine.
    expect((await t.request('POST', '/api/follows', { json: { site: 'news', uri: URI, email: 'x@example.org' }, headers: { origin: 'https://evil.example' } })).status).toBe(403)
    expect(await count()).toBe(0)
    const own = await t.request('POST', '/api/follows', { json: { site: 'news', uri: URI, email: 'x@example.org' }, headers: { origin: NEWS_ORIGIN } })
    expect(own.status).toBe(202)
    expect(own.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    await t.deps.db.deleteFrom('thread_follows').execute()
    // A site that does not offer following: 403, nothing stored.
    await setSiteSettings(t.deps.db, 'news', { moderationMode: 'post', origins: [NEWS_ORIGIN], follows: false })
    res = await follow(t)
    expect(res.status).toBe(403)
    expect(((await res.json()) as any).error.code).toBe('forbidden')
    expect(await count()).toBe(0)
  })

  it('answers 202 {"ok":true} alike for a new, a waiting, a confirmed and an unsubscribed address, and sends one confirmation a day at most', async () => {
    const { t, run } = await setup()
    const answers: string[] = []
    const answer = async (res: Response) => {
      const headers = [...res.headers.entries()].filter(([k]) => k !== 'date').map(([k, v]) => `${k}: ${v}`)
      answers.push(`${res.status} ${await res.text()} ${headers.join('; ')}`)
    }
    await answer(await follow(t)) // new
    const first = await run()
    expect(first.map(to)).toEqual(['fiona.follower@example.org'])
    expect(first[0]!.mail.subject).toBe('[News Example] Please confirm: new comments on "A story worth following"')
    await answer(await follow(t)) // asked again, not confirmed: no second email the same day
    expect(await run()).toEqual([])
    expect((await postForm(t, linkIn(first[0]!, '/email/follow/confirm'))).status).toBe(200)
    await answer(await follow(t, { email: 'Fiona.Follower@Example.ORG' })) // confirmed (another spelling of the address)
    expect(await run()).toEqual([])
    expect((await postForm(t, listUnsubscribe(first[0]!)!, { 'List-Unsubscribe': 'One-Click' })).status).toBe(200)
    t.clock.advanceSeconds(25 * 3600)
    await answer(await follow(t)) // unsubscribed, a day later: asks to confirm again
    expect((await run()).map(to)).toEqual(['fiona.follower@example.org'])
    expect(new Set(answers).size, answers.join('\n')).toBe(1)
    expect(answers[0]).toMatch(/^202 \{"ok":true\}/)
    expect(t.logLines.join('\n')).not.toContain('fiona')
  })

  it('limits requests per IP key (429 with Retry-After), whatever the address', async () => {
    const { t } = await setup()
    for (let i = 0; i < FOLLOW_REQUESTS_PER_IP_HOUR; i++) expect((await follow(t, { email: `reader${i}@example.org` }, '203.0.113.5')).status).toBe(202)
    // Asking again for the same follow counts once.
    expect((await follow(t, { email: 'reader0@example.org' }, '203.0.113.5')).status).toBe(429)
    const res = await follow(t, { email: 'someone.new@example.org' }, '203.0.113.5')
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await follow(t, { email: 'someone.new@example.org' }, '203.0.113.6')).status).toBe(202)
    t.clock.advanceSeconds(3601)
    expect((await follow(t, { email: 'someone.else@example.org' }, '203.0.113.5')).status).toBe(202)
  })
})

describe('the confirmation link', () => {
  it('shows a page without changing anything on GET; POST confirms; a forged or wrong-purpose token is a 400 page', async () => {
    const { t, run } = await setup()
    expect((await follow(t)).status).toBe(202)
    const [mail] = await run()
    const confirm = linkIn(mail!, '/email/follow/confirm')
    const got = await t.request('GET', pathOf(confirm))
    expect(got.status).toBe(200)
    expect(await got.text()).toContain(TITLE)
    const row = async () => t.deps.db.selectFrom('thread_follows').selectAll().executeTakeFirstOrThrow()
    expect((await row()).confirmed_at).toBeNull()
    const ok = await postForm(t, confirm)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('You follow this article')
    expect((await row()).confirmed_at).not.toBeNull()
    expect(await (await postForm(t, confirm)).text()).toContain('You already follow this article')
    // An unsubscribe token is not a confirm token, and the other way round.
    const unsub = listUnsubscribe(mail!)!
    expect((await t.request('POST', `/email/follow/confirm?token=${new URL(unsub).searchParams.get('token')}`)).status).toBe(400)
    expect((await t.request('GET', '/email/follow/unsubscribe?token=forged.0000')).status).toBe(400)
    const reply = await signToken(t.deps.keys, 'confirm', { site: 'news', key: (await row()).email_key }, t.clock.now())
    expect((await t.request('POST', `/email/follow/confirm?token=${reply}`)).status).toBe(400)
    // The confirmation's headers: one-click unsubscribe of this follow.
    expect(unfold(mail!.header('list-unsubscribe-post'))).toMatch(/List-Unsubscribe=One-Click/)
    expect(new URL(unsub).pathname).toBe('/email/follow/unsubscribe')
  })
})

describe('the digest rule', { timeout: 120_000 }, () => {
  it('sends nothing before the address is confirmed', async () => {
    const { t, run } = await setup()
    expect((await follow(t)).status).toBe(202)
    await run()
    await post(t)
    // Nothing waits for a follow that is not confirmed, and nothing is due.
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toEqual([])
    expect((await t.deps.db.selectFrom('thread_follows').select('digest_due_at').executeTakeFirstOrThrow()).digest_due_at).toBeNull()
    t.clock.advanceSeconds(2 * 3600)
    expect(await run()).toEqual([])
  })

  it('a busy thread sends each follower ONE email per window, listing every new published comment, never their own or a removed one', async () => {
    const { t, run } = await setup({ followDigestMinutes: 60 })
    await followAndConfirm(t, run, 'fiona.follower@example.org')
    await followAndConfirm(t, run, 'gael.seguidor@example.org', { lang: 'es-MX' })

    // The first comment after a quiet time goes at once (one email each).
    const c0 = await post(t, { name: 'Early Bird', body: 'The very first new comment.' })
    const firstRound = await run()
    expect(firstRound.map(to).sort()).toEqual(['fiona.follower@example.org', 'gael.seguidor@example.org'])
    const fiona0 = firstRound.find((m) => to(m) === 'fiona.follower@example.org')!
    expect(fiona0.mail.subject).toBe('[News Example] New comment on "A story worth following"')
    expect(fiona0.mail.text).toContain('The very first new comment.')
    expect(fiona0.mail.text).toContain(`${NEWS_ORIGIN}${URI}#comment-${c0}`)
    expect(firstRound.find((m) => to(m) === 'gael.seguidor@example.org')!.mail.subject).toBe('[News Example] Nuevo comentario en «A story worth following»')

    // Then 50 comments by others, one by Fiona herself, one removed before the digest goes: nothing until the window ends.
    const ids: string[] = []
    for (let i = 0; i < 50; i++) {
      t.clock.advanceSeconds(30)
      ids.push(await post(t, { name: `Busy Reader ${i}`, body: `Busy comment number ${i} with its own words.` }))
      if (i % 10 === 0) expect(await run()).toEqual([])
    }
    const own = await post(t, { name: 'Fiona', email: 'Fiona.Follower@example.org', body: 'Fiona comments herself.' })
    const removed = await post(t, { name: 'Regretful', body: 'A comment that will be removed.' })
    await moderate(t, [removed], 'reject')
    t.clock.advanceSeconds(60 * 60 - 50 * 30 - 1) // 1 s before the window ends
    expect(await run()).toEqual([])
    t.clock.advanceSeconds(2)
    const digests = await run()
    expect(digests.map(to).sort()).toEqual(['fiona.follower@example.org', 'gael.seguidor@example.org'])

    const fiona = digests.find((m) => to(m) === 'fiona.follower@example.org')!
    expect(fiona.mail.subject).toBe('[News Example] 50 new comments on "A story worth following"')
    for (const [i, id] of ids.entries()) {
      expect(fiona.mail.text, `comment ${i} is listed`).toContain(`#comment-${id}`)
      expect(fiona.mail.text).toContain(`Busy comment number ${i} with its own words.`)
    }
    expect(fiona.mail.text).not.toContain(own)
    expect(fiona.mail.text).not.toContain(removed)
    expect(fiona.mail.text).not.toContain('will be removed')
    expect(fiona.mail.text).not.toContain('The very first new comment.')
    expect(fiona.mail.html).toContain('Busy comment number 0')
    expect(unfold(fiona.header('list-unsubscribe-post'))).toMatch(/List-Unsubscribe=One-Click/)
    expect(unfold(fiona.header('auto-submitted'))).toMatch(/auto-generated/)

    const gael = digests.find((m) => to(m) === 'gael.seguidor@example.org')!
    expect(gael.mail.subject).toBe('[News Example] 51 comentarios nuevos en «A story worth following»')
    expect(gael.mail.text).toContain(`#comment-${own}`)
    expect(gael.mail.text).toContain('Leer la conversación')

    // Nothing more is waiting; a comment now waits for the next window.
    expect(await run()).toEqual([])
    await post(t, { body: 'After the digest.' })
    expect(await run()).toEqual([])
    t.clock.advanceSeconds(3600)
    expect((await run()).map(to).sort()).toEqual(['fiona.follower@example.org', 'gael.seguidor@example.org'])
  })

  it('counts comments approved by a moderator, never imported ones; one-click unsubscribe ends it', async () => {
    const { t, run } = await setup({ moderationMode: 'pre' })
    const confirmMail = await followAndConfirm(t, run, 'fiona.follower@example.org')
    const mod = await addUser(t, { email: 'desk@news.example', role: 'admin' })
    const held = await post(t, { body: 'Held, then approved.' })
    expect((await run()).filter((m) => to(m) === 'fiona.follower@example.org')).toEqual([]) // held: not news yet
    await moderate(t, [held], 'approve', mod)
    // An imported comment (held on import, approved later) is history, not news.
    const imported = await post(t, { body: 'From the old comment system.' })
    await t.deps.db.insertInto('comment_imports').values({ site_id: 'news', source: 'wordpress:https://old.example', source_id: '7', comment_id: imported }).execute()
    await moderate(t, [imported], 'approve', mod)
    const got = (await run()).filter((m) => to(m) === 'fiona.follower@example.org')
    expect(got).toHaveLength(1)
    expect(got[0]!.mail.text).toContain('Held, then approved.')
    expect(got[0]!.mail.text).not.toContain('From the old comment system.')

    // One click (RFC 8058): the POST a mail client makes; then nothing more, not even what was waiting.
    const next = await post(t, { body: 'Waiting when she leaves.' })
    await moderate(t, [next], 'approve', mod)
    const url = listUnsubscribe(got[0]!)!
    expect(url).toBe(listUnsubscribe(confirmMail))
    const res = await t.request('POST', pathOf(url), { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('You are unsubscribed')
    t.clock.advanceSeconds(2 * 3600)
    const later = await post(t, { body: 'After she left.' })
    await moderate(t, [later], 'approve', mod)
    t.clock.advanceSeconds(2 * 3600)
    expect((await run()).filter((m) => to(m) === 'fiona.follower@example.org')).toEqual([])
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toEqual([])
  })

  it('a site that turns following off sends no digest, not even for comments already waiting', async () => {
    const { t, run } = await setup()
    await followAndConfirm(t, run, 'fiona.follower@example.org')
    await post(t, { body: 'Waiting when the site stops following.' })
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toHaveLength(1)
    await setSiteSettings(t.deps.db, 'news', { moderationMode: 'post', floodSeconds: 0, follows: false })
    await post(t, { body: 'Posted while following is off.' })
    expect(await run()).toEqual([])
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toEqual([])
  })

  it('a crash before the digest commits loses nothing and doubles nothing', async () => {
    const { t, run, smtp } = await setup()
    await followAndConfirm(t, run, 'fiona.follower@example.org')
    await post(t, { body: 'Survives the crash.' })
    // The digest's last statement fails (as a process killed there would): its transaction rolls back whole.
    await sql`create function parley_test_crash() returns trigger language plpgsql as $$ begin raise exception 'crash before commit'; end $$`.execute(t.deps.db)
    await sql`create trigger parley_test_crash before update of last_digest_at on thread_follows for each row execute function parley_test_crash()`.execute(t.deps.db)
    await expect(sendDueDigests(t.deps)).rejects.toThrow(/crash before commit/)
    expect(await t.deps.db.selectFrom('email_outbox').select('id').where('kind', '=', 'follow_digest').execute()).toEqual([])
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toHaveLength(1)
    await sql`drop trigger parley_test_crash on thread_follows`.execute(t.deps.db)
    const before = smtp.received.length
    await run()
    await run()
    const got = smtp.received.slice(before)
    expect(got).toHaveLength(1)
    expect(got[0]!.mail.text).toContain('Survives the crash.')
  })

  it('two digest workers at once write each digest once', async () => {
    const { t, run, smtp } = await setup()
    for (const e of ['a.one@example.org', 'b.two@example.org', 'c.three@example.org']) await followAndConfirm(t, run, e)
    for (let i = 0; i < 5; i++) await post(t, { body: `Parallel comment ${i}.` })
    const before = smtp.received.length
    const reports = await Promise.all([sendDueDigests(t.deps), sendDueDigests(t.deps), sendDueDigests(t.deps)])
    expect(reports.reduce((n, r) => n + r.digests, 0)).toBe(3)
    await run()
    expect(smtp.received.slice(before).map(to).sort()).toEqual(['a.one@example.org', 'b.two@example.org', 'c.three@example.org'])
  })
})

describe('retention', () => {
  it('clears request IP keys after a day and deletes follows never confirmed a day after their link expired', async () => {
    const { t, run } = await setup()
    await followAndConfirm(t, run, 'fiona.follower@example.org')
    expect((await follow(t, { email: 'never.confirms@example.org' })).status).toBe(202)
    await run()
    const rows = () => t!.deps.db.selectFrom('thread_follows').select(['email', 'ip_key']).orderBy('email').execute()
    expect((await rows()).every((r) => r.ip_key)).toBe(true)
    t.clock.advanceSeconds(2 * 86_400)
    await purgeAll(t.deps)
    expect(await rows()).toEqual([
      { email: 'fiona.follower@example.org', ip_key: null },
      { email: 'never.confirms@example.org', ip_key: null },
    ])
    t.clock.advanceSeconds(7 * 86_400)
    await purgeAll(t.deps)
    expect(await rows()).toEqual([{ email: 'fiona.follower@example.org', ip_key: null }])
  })
})

describe("the reader's privacy page", { timeout: 60_000 }, () => {
  const privacyToken = async (ctx: TestContext, email: string) =>
    signToken(ctx.deps.keys, 'privacy', { site: 'news', key: await ctx.deps.keys.emailKey(email), t: ctx.clock.now().getTime() }, ctx.clock.now())
  const form = (token: string, extra: Record<string, string> = {}) => ({
    body: new URLSearchParams({ token, ...extra }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })

  it('mails a privacy link to an address that only follows, lists its follows, and stops one with its button', async () => {
    const { t, run } = await setup()
    await followAndConfirm(t, run, 'fiona.follower@example.org')
    t.clock.advanceSeconds(1)
    expect((await follow(t, { uri: '/2026/11/second-story', title: 'Second story' })).status).toBe(202)
    await followAndConfirm(t, run, 'other.person@example.org')
    // Known through its follows alone: the privacy link goes out.
    expect((await t.request('POST', '/api/privacy/requests', { json: { site: 'news', email: 'fiona.follower@example.org' } })).status).toBe(202)
    expect((await run()).map((m) => m.mail.subject)).toEqual(['[News Example] Your comments and data'])

    const token = await privacyToken(t, 'fiona.follower@example.org')
    const page = await (await t.request('GET', `/privacy/manage?token=${token}`)).text()
    expect(page).toContain('Articles you follow')
    expect(page).toContain(TITLE)
    expect(page).toContain('Second story')
    expect(page).toContain('asked for, not confirmed')
    expect(page).not.toContain('fiona.follower@')
    const exported = (await (await t.request('POST', '/api/privacy/export', { json: { token } })).json()) as any
    expect(exported.email).toBe('fiona.follower@example.org')
    expect(exported.subscriptions).toEqual([
      expect.objectContaining({ uri: URI, title: TITLE, confirmedAt: expect.any(String), unsubscribedAt: null }),
      expect.objectContaining({ uri: '/2026/11/second-story', title: 'Second story', confirmedAt: null }),
    ])

    const rows = await t.deps.db.selectFrom('thread_follows').selectAll().orderBy('created_at').execute()
    const mine = rows.find((r) => r.email === 'fiona.follower@example.org' && r.confirmed_at)!
    const theirs = rows.find((r) => r.email === 'other.person@example.org')!
    // Another reader's follow cannot be stopped with this link.
    const refused = await t.request('POST', '/privacy/manage/unfollow', form(token, { follow: theirs.id }))
    expect(refused.status).toBe(404)
    const stopped = await t.request('POST', '/privacy/manage/unfollow', form(token, { follow: mine.id }))
    expect(stopped.status).toBe(200)
    expect(await stopped.text()).toContain(`You will not get emails about “${TITLE}” any more.`)
    const after = await t.deps.db.selectFrom('thread_follows').select(['id', 'unsubscribed_at']).execute()
    expect(after.find((r) => r.id === mine.id)!.unsubscribed_at).not.toBeNull()
    expect(after.find((r) => r.id === theirs.id)!.unsubscribed_at).toBeNull()
    await post(t, { body: 'Nobody but the other person hears of this.' })
    expect((await run()).map(to)).toEqual(['other.person@example.org'])
  })

  it('"Stop all emails" ends every follow and cancels a digest not sent yet; erasing deletes the follows', async () => {
    const { t, run } = await setup()
    await followAndConfirm(t, run, 'fiona.follower@example.org')
    await post(t, { body: 'A comment for the digest.' })
    await sendDueDigests(t.deps) // written, not delivered
    const pending = () => t!.deps.db.selectFrom('email_outbox').select('id').where('kind', '=', 'follow_digest').where('status', '=', 'pending').execute()
    expect(await pending()).toHaveLength(1)
    const token = await privacyToken(t, 'fiona.follower@example.org')
    expect(await (await t.request('POST', '/api/privacy/unsubscribe', { json: { token } })).json()).toEqual({ ended: 1 })
    expect(await pending()).toHaveLength(0)
    expect(await run()).toEqual([])

    await followAndConfirm(t, run, 'fiona.follower@example.org', { uri: '/2026/11/again' })
    await post(t, { uri: '/2026/11/again', body: 'Waiting for her digest.' })
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toHaveLength(1)
    expect(await (await t.request('POST', '/api/privacy/erase', { json: { token: await privacyToken(t, 'fiona.follower@example.org') } })).json()).toEqual({ erased: 0, tombstoned: 0 })
    expect(await t.deps.db.selectFrom('thread_follows').selectAll().execute()).toEqual([])
    expect(await t.deps.db.selectFrom('thread_follow_comments').selectAll().execute()).toEqual([])
    const left = await t.deps.db.selectFrom('email_outbox').select('to_address').execute()
    expect(left.map((r) => r.to_address.toLowerCase())).not.toContain('fiona.follower@example.org')
  })
})
