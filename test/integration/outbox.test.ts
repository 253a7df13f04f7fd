import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/app.js'
import { claimDueRows } from '../../src/notifications/outbox.repository.js'
import { DEFAULT_LEASE_MS, deliverDue, enqueueMail } from '../../src/notifications/outbox.js'
import type { Mailer, OutgoingMail } from '../../src/mail/mailer.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

const enqueue = (over: { to?: string; dedupeKey?: string } = {}) =>
  t.deps.db.transaction().execute((trx) =>
    enqueueMail(trx, t.deps, { kind: 'reply', siteId: 'news', to: over.to ?? 'x@example.org', subject: 'S', text: 'T', html: '<p>T</p>', dedupeKey: over.dedupeKey ?? null }),
  )

describe('the outbox', () => {
  it('keeps one row per dedupe key', async () => {
    expect(await enqueue({ dedupeKey: 'reply:c1:k1' })).toBe(true)
    expect(await enqueue({ dedupeKey: 'reply:c1:k1' })).toBe(false)
    await deliverDue(t.deps)
    expect(t.mailer.sent.filter((m) => m.to === 'x@example.org')).toHaveLength(1)
  })

  it("retries a row whose worker died after claiming it, once the lease is over", async () => {
    await enqueue({ to: 'lease@example.org' })
    // A worker claims it and dies before sending.
    await t.deps.db.transaction().execute((trx) => claimDueRows(trx, t.clock.now(), new Date(t.clock.now().getTime() + DEFAULT_LEASE_MS), 10))
    expect((await deliverDue(t.deps)).claimed).toBe(0)
    t.clock.advance(DEFAULT_LEASE_MS + 1000)
    expect((await deliverDue(t.deps)).sent).toBe(1)
    expect(t.mailer.sent.filter((m) => m.to === 'lease@example.org')).toHaveLength(1)
  })

  it('sends a retried row with the same Message-ID', async () => {
    const seen: OutgoingMail[] = []
    let fail = true
    const flaky: Mailer = {
      name: 'flaky',
      async send(m) {
        seen.push(m)
        if (fail) throw new Error('connection reset by desk@news.example')
      },
    }
    await enqueue({ to: 'retry@example.org' })
    const deps = { ...t.deps, mailer: flaky }
    expect(await deliverDue(deps)).toMatchObject({ retried: 1, sent: 0 })
    const row = await t.deps.db.selectFrom('email_outbox').selectAll().where('to_address', '=', 'retry@example.org').executeTakeFirstOrThrow()
    expect(row.last_error).toContain('connection reset by …@news.example')
    fail = false
    t.clock.advance(61_000)
    expect(await deliverDue(deps)).toMatchObject({ sent: 1 })
    expect(seen).toHaveLength(2)
    expect(seen[0]!.messageId).toBe(seen[1]!.messageId)
    expect(seen[0]!.messageId).toBe(row.message_id)
  })
})
