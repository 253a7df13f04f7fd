import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { startSmtp, type Received } from '../helpers/smtp.js'
import { linksIn, pathOf, postForm } from '../helpers/mail.js'
import { createSmtpMailer } from '../../src/mail/smtp.js'
import type { Mailer } from '../../src/mail/mailer.js'
import { deliverDue, enqueueMail, startOutboxWorker, type DeliveryReport } from '../../src/notifications/outbox.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { createServer, type Socket } from 'node:net'
import { requirePostgres, skipWithoutPostgres } from '../helpers/require.js'

let t: TestContext | undefined
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await t?.close()
  t = undefined
})

async function setup(settings: Partial<SiteSettings>) {
  const smtp = await startSmtp()
  const mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 2000 })
  cleanups.push(() => smtp.stop(), async () => mailer.close?.())
  t = await createTestContext({ settings, deps: { mailer } })
  return { smtp, t, mailer }
}

async function drain(ctx: TestContext, deps = ctx.deps): Promise<DeliveryReport> {
  const total: DeliveryReport = { claimed: 0, sent: 0, retried: 0, failed: 0 }
  for (;;) {
    const r = await deliverDue(deps, { limit: 20 })
    if (r.claimed === 0) return total
    for (const k of Object.keys(total) as (keyof DeliveryReport)[]) total[k] += r[k]
  }
}

async function post(ctx: TestContext, body: Record<string, unknown>) {
  const res = await ctx.request('POST', '/api/comments', { json: body })
  expect([201, 202]).toContain(res.status)
  return (await res.json()) as { comment: { id: string } }
}

const unfold = (line: string | undefined) => line?.replace(/\r?\n[ \t]+/g, ' ')
const textLinks = (r: Received, path: string) => linksIn(r.mail.text ?? '').filter((u) => new URL(u).pathname === path)
const to = (r: Received) => r.envelopeTo.join(',')

describe('delivery over SMTP', () => {
  it('delivers every email to the right people with safe content, the unsubscribe headers and working links', async () => {
    const { smtp, t } = await setup({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    await t.deps.db
      .insertInto('site_authors')
      .values({ site_id: 'news', handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley@newsroom.example', notify: true, created_at: t.clock.now() })
      .execute()
    const ann = await post(t, newComment({ author: 'ashley-davis', name: 'Ann', email: 'ann@example.org', notifyReplies: true, body: 'Hi <script>alert("x")</script> & bye' }))
    await drain(t)
    expect(smtp.received.map(to).sort()).toEqual(['ann@example.org', 'desk@news.example'])

    // The moderation email: facts, Reply-To, escaped text, its own Message-ID.
    const modMail = smtp.received.find((r) => to(r) === 'desk@news.example')!
    expect(modMail.mail.subject).toBe('[News Example] Please moderate: "The Trump administration is planning operations against the cartels in Mexico"')
    expect(modMail.mail.from?.value[0]).toMatchObject({ name: 'Parley', address: 'parley@localhost' })
    expect(modMail.mail.replyTo?.text).toBe('ann@example.org')
    expect(modMail.mail.html).not.toContain('<script>')
    expect(modMail.mail.html).toContain('&lt;script&gt;alert("x")&lt;/script&gt; &amp; bye')
    expect(modMail.mail.text).toContain('Hi <script>alert("x")</script> & bye')
    const row = await t.deps.db.selectFrom('email_outbox').selectAll().where('to_address', '=', 'desk@news.example').executeTakeFirstOrThrow()
    expect(modMail.mail.messageId).toBe(row.message_id)
    expect(row.status).toBe('sent')

    // The confirmation email: both List-Unsubscribe headers on the wire, and a working link.
    const confirmMail = smtp.received.find((r) => to(r) === 'ann@example.org')!
    expect(confirmMail.mail.subject).toBe('[News Example] Please confirm your email address')
    const lu = unfold(confirmMail.header('List-Unsubscribe'))!
    expect(lu).toMatch(/^List-Unsubscribe: <http:\/\/parley\.test\/email\/unsubscribe\?token=[A-Za-z0-9_.-]+>$/)
    expect(unfold(confirmMail.header('List-Unsubscribe-Post'))).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click')
    const confirmLink = textLinks(confirmMail, '/email/confirm')[0]!
    expect(confirmMail.mail.html).toContain(`href="${confirmLink}"`)
    expect((await t.request('GET', pathOf(confirmLink))).status).toBe(200)
    expect((await postForm(t, confirmLink)).status).toBe(200)

    // Approve from the email: the comment is published, Ann hears it, the article's author too.
    smtp.received.length = 0
    const [approve, , spam] = textLinks(modMail, '/email/moderate')
    expect(spam).toBeDefined()
    expect((await postForm(t, approve!)).status).toBe(200)
    const thread = await (await t.request('GET', '/api/comments?site=news&uri=/2026/11/cartels')).json()
    expect(thread.comments.map((c: { id: string }) => c.id)).toEqual([ann.comment.id])
    await drain(t)
    expect(smtp.received.map(to).sort()).toEqual(['ann@example.org', 'ashley@newsroom.example'])
    const authorMail = smtp.received.find((r) => to(r) === 'ashley@newsroom.example')!
    expect(authorMail.mail.subject).toContain('New comment on')
    expect(JSON.stringify(authorMail.mail)).not.toContain('ann@example.org')
    expect(authorMail.header('List-Unsubscribe')).toBeUndefined()
    const approvedMail = smtp.received.find((r) => to(r) === 'ann@example.org')!
    expect(approvedMail.mail.subject).toContain('is published')

    // Ben replies; the moderator approves from the email; Ann gets the reply, with a one-click unsubscribe.
    smtp.received.length = 0
    await post(t, newComment({ parentId: ann.comment.id, name: 'Ben', email: 'ben@example.org', body: 'A <b>reply</b>' }))
    await drain(t)
    const modMail2 = smtp.received.find((r) => to(r) === 'desk@news.example')!
    smtp.received.length = 0
    expect((await postForm(t, textLinks(modMail2, '/email/moderate')[0]!)).status).toBe(200)
    await drain(t)
    const replyMail = smtp.received.find((r) => to(r) === 'ann@example.org')!
    expect(replyMail.mail.subject).toContain('Ben replied to your comment')
    expect(replyMail.mail.text).toContain('A <b>reply</b>')
    expect(replyMail.mail.html).toContain('A &lt;b&gt;reply&lt;/b&gt;')
    expect(JSON.stringify(replyMail.mail)).not.toContain('ben@example.org')
    const unsubscribe = /<([^>]+)>/.exec(unfold(replyMail.header('List-Unsubscribe'))!)![1]!
    expect(textLinks(replyMail, '/email/unsubscribe')).toEqual([unsubscribe])
    const oneClick = await postForm(t, unsubscribe, { 'List-Unsubscribe': 'One-Click' })
    expect(oneClick.status).toBe(200)

    // After unsubscribing: Cy's approved reply mails the author, not Ann.
    smtp.received.length = 0
    const cy = await post(t, newComment({ parentId: ann.comment.id, name: 'Cy' }))
    await drain(t)
    smtp.received.length = 0
    const cyMod = await t.deps.db.selectFrom('email_outbox').select('text_body').where('kind', '=', 'moderation_needed').orderBy('created_at', 'desc').orderBy('id').execute()
    const cyApprove = linksIn(cyMod.find((r) => r.text_body.includes('Cy'))!.text_body).find((u) => u.includes('/email/moderate'))!
    expect((await postForm(t, cyApprove)).status).toBe(200)
    expect(cy.comment.id).toBeTruthy()
    await drain(t)
    expect(smtp.received.map(to)).toEqual(['ashley@newsroom.example'])
  })
})

describe('an SMTP outage', () => {
  it('delays mail but loses none: every due email arrives exactly once when SMTP is back, and requests never wait for it', async () => {
    const smtp = await startSmtp()
    cleanups.push(() => smtp.stop())
    // Long timeouts: a request that waited for SMTP would take at least this long.
    const SMTP_TIMEOUT_MS = 30_000
    const mailer = createSmtpMailer({ url: smtp.url, timeoutMs: SMTP_TIMEOUT_MS })
    cleanups.push(async () => mailer.close?.())
    t = await createTestContext({ settings: { moderationMode: 'trusted', moderatorEmails: ['desk@news.example'] }, deps: { mailer } })
    const ctx = t
    // Ann's confirmed, approved comment with "notify me", before the outage.
    const ann = await post(ctx, newComment({ name: 'Ann', email: 'ann@example.org', notifyReplies: true }))
    await drain(ctx)
    const confirm = smtp.received.find((r) => to(r) === 'ann@example.org')!
    expect((await postForm(ctx, textLinks(confirm, '/email/confirm')[0]!)).status).toBe(200)
    const approve = textLinks(smtp.received.find((r) => to(r) === 'desk@news.example')!, '/email/moderate')[0]!
    expect((await postForm(ctx, approve)).status).toBe(200)
    await drain(ctx)
    smtp.received.length = 0

    // Outage 1: the SMTP port accepts connections and never answers. A worker is stuck on it
    // in the background while 50 replies are posted (and held).
    await smtp.stop()
    const sockets = new Set<Socket>()
    const blackHole = createServer((s) => sockets.add(s.on('error', () => {})))
    await new Promise<void>((resolve) => blackHole.listen(smtp.port, '127.0.0.1', () => resolve()))
    const worker = startOutboxWorker(ctx.deps, { intervalMs: 20 })
    const durations: number[] = []
    const replies: string[] = []
    const reply = async (i: number) => {
      const started = performance.now()
      const r = await post(ctx, newComment({ parentId: ann.comment.id, name: `Replier ${i}`, body: `Reply number ${i}` }))
      durations.push(performance.now() - started)
      replies.push(r.comment.id)
    }
    // The first reply's moderation email gets the worker stuck on the silent SMTP port; wait for
    // that (a loaded machine may take a while to schedule the worker), then post the other 49
    // while it is stuck.
    await reply(0)
    await vi.waitFor(() => expect(sockets.size).toBeGreaterThan(0), { timeout: 20_000, interval: 20 })
    for (let i = 1; i < 50; i++) await reply(i)
    expect(sockets.size).toBeGreaterThan(0) // the worker really was waiting on SMTP meanwhile
    // Requests never waited for SMTP: each answered long before an SMTP timeout.
    expect(Math.max(...durations)).toBeLessThan(SMTP_TIMEOUT_MS / 3)
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => blackHole.close(() => resolve()))
    await worker.stop()

    // Outage 2: nothing listens at all while a moderator approves all 50 (50 reply emails).
    const res = await ctx.deps.db.transaction().execute((trx) =>
      applyModerationAction(trx, ctx.deps, { ids: replies, action: 'approve', actor: null, via: 'test' }),
    )
    expect(res).toHaveLength(50)
    ctx.clock.advanceSeconds(6 * 60)
    expect((await drain(ctx)).sent).toBe(0)
    // Outage 3: the server is back but refuses (421).
    await smtp.start()
    smtp.refuse(true)
    ctx.clock.advanceSeconds(6 * 60)
    expect((await drain(ctx)).sent).toBe(0)
    expect(smtp.received).toHaveLength(0)

    const rows = await ctx.deps.db.selectFrom('email_outbox').selectAll().where('status', '=', 'pending').execute()
    expect(rows.filter((r) => r.kind === 'moderation_needed')).toHaveLength(50)
    expect(rows.filter((r) => r.kind === 'reply')).toHaveLength(50)
    expect(rows.every((r) => r.last_error && r.attempts >= 1)).toBe(true)

    // Back: after the backoff, everything due goes out, once per Message-ID.
    smtp.refuse(false)
    ctx.clock.advanceSeconds(31 * 60)
    const after = await drain(ctx)
    expect(after.sent).toBe(100)
    const ids = smtp.received.map((r) => r.mail.messageId)
    expect(new Set(ids).size).toBe(100)
    expect(ids.sort()).toEqual(rows.map((r) => r.message_id).sort())
    expect(smtp.received.filter((r) => to(r) === 'ann@example.org')).toHaveLength(50)
    ctx.clock.advanceSeconds(24 * 3600)
    expect((await drain(ctx)).claimed).toBe(0)
    expect(smtp.received).toHaveLength(100)
    const left = await ctx.deps.db.selectFrom('email_outbox').select('status').where('status', '!=', 'sent').execute()
    expect(left).toHaveLength(0)
  })

  it('gives up after the last backoff and keeps the last error', async () => {
    const { smtp, t } = await setup({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    smtp.refuse(true)
    await post(t, newComment())
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      await drain(t)
      const row = await t.deps.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow()
      if (row.status === 'failed') break
      waits.push(Math.round((new Date(row.next_attempt_at).getTime() - t.clock.now().getTime()) / 60_000))
      t.clock.set(row.next_attempt_at)
    }
    expect(waits).toEqual([1, 5, 30, 120, 360])
    const row = await t.deps.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'failed', attempts: 6 })
    expect(row.last_error).toMatch(/421|not available/i)
    expect(row.last_error).not.toContain('desk@')
    expect(t.logLines.join('\n')).not.toContain('desk@news.example')
  })
})

// Two workers racing for rows is a PostgreSQL matter (FOR UPDATE SKIP LOCKED): embedded PGlite
// serves one connection at a time, so there the race cannot happen and the test would prove nothing.
describe.skipIf(skipWithoutPostgres('two outbox workers on one outbox'))('two workers on one outbox', () => {
  it('deliver N messages with no duplicates', async () => {
    requirePostgres('The two-worker outbox test')
    const { smtp, t } = await setup({})
    expect(t.testDb.kind).toBe('postgres')
    const N = 120
    await t.deps.db.transaction().execute(async (trx) => {
      for (let i = 0; i < N; i++)
        await enqueueMail(trx, t.deps, { kind: 'reply', siteId: 'news', to: `r${i}@example.org`, subject: `Message ${i}`, text: `Body ${i}`, html: `<p>Body ${i}</p>` })
    })
    // Two workers, each with its own SMTP pool, as two processes would have.
    const second: Mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 2000 })
    cleanups.push(async () => second.close?.())
    const run = async (deps: typeof t.deps) => {
      const total = { claimed: 0, sent: 0 }
      for (;;) {
        const r = await deliverDue(deps, { limit: 7, concurrency: 3 })
        if (r.claimed === 0) return total
        total.claimed += r.claimed
        total.sent += r.sent
      }
    }
    const [a, b] = await Promise.all([run(t.deps), run({ ...t.deps, mailer: second })])
    expect(a.sent + b.sent).toBe(N)
    expect(a.claimed + b.claimed).toBe(N)
    expect(a.sent).toBeGreaterThan(0)
    expect(b.sent).toBeGreaterThan(0)
    const ids = smtp.received.map((r) => r.mail.messageId)
    expect(ids).toHaveLength(N)
    expect(new Set(ids).size).toBe(N)
    const notSent = await t.deps.db.selectFrom('email_outbox').select('id').where('status', '!=', 'sent').execute()
    expect(notSent).toHaveLength(0)
  })
})
