import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Mailer, OutgoingMail } from '../../src/mail/mailer.js'
import { deliverDue, enqueueMail, startOutboxWorker, toOutgoingMail, type DeliveryReport, type EnqueueMail } from '../../src/notifications/outbox.js'
import { createTestContext, type TestContext } from '../helpers/app.js'

// The email outbox (src/notifications/outbox.ts), fast: one app and one database for the file,
// the outbox emptied before each test. What a reader or an operator would notice: an email sent
// twice or never, retried too soon or for ever, a stored error or a log line with an address in it.

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())
beforeEach(async () => {
  await t.deps.db.deleteFrom('email_outbox').execute()
  t.mailer.sent.length = 0
  t.logLines.length = 0
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(check: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}
const enqueue = (to: string, over: Partial<EnqueueMail> = {}) =>
  t.deps.db.transaction().execute((trx) =>
    enqueueMail(trx, t.deps, { kind: 'reply', siteId: 'news', to, subject: `To ${to}`, text: 'T', html: '<p>T</p>', ...over }),
  )
const enqueueMany = (prefix: string, n: number) =>
  t.deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i++) await enqueueMail(trx, t.deps, { kind: 'reply', siteId: 'news', to: `${prefix}${i}@example.org`, subject: 'S', text: 'T', html: '<p>T</p>' })
  })
const row = (to: string) => t.deps.db.selectFrom('email_outbox').selectAll().where('to_address', '=', to).executeTakeFirstOrThrow()
const sentTo = (to: string) => t.mailer.sent.filter((m) => m.to === to)
const report = (r: Partial<DeliveryReport>): DeliveryReport => ({ claimed: 0, sent: 0, retried: 0, failed: 0, ...r })
const failing = (err: (m: OutgoingMail) => unknown): Mailer => ({
  name: 'failing',
  async send(m) {
    throw err(m)
  },
})

/** A mailer that holds every message until released: how many are in flight at once. */
function gatedMailer() {
  const held: (() => void)[] = []
  const g = {
    inFlight: 0,
    sent: [] as OutgoingMail[],
    mailer: {
      name: 'gated',
      async send(m: OutgoingMail) {
        g.inFlight++
        await new Promise<void>((r) => held.push(r))
        g.inFlight--
        g.sent.push(m)
      },
    } satisfies Mailer,
    /** Waits until `n` are in flight and no more arrive for a moment. */
    async holding(n: number) {
      await until(() => g.inFlight >= n, `${n} messages in flight`)
      await sleep(150)
      expect(g.inFlight).toBe(n)
    },
    /** Lets every held message (and those that follow) through until the round ends. */
    async drain<T>(round: Promise<T>): Promise<T> {
      let done = false
      round.then(
        () => (done = true),
        () => (done = true),
      )
      while (!done) {
        held.splice(0).forEach((r) => r())
        await sleep(10)
      }
      return round
    },
  }
  return g
}

describe('writing and sending', () => {
  it('sends the email as written, from MAIL_FROM, with a Message-ID in Parley’s domain', async () => {
    expect(
      await enqueue('ann@example.org', {
        replyTo: 'desk@news.example',
        headers: { 'List-Unsubscribe': '<https://parley.test/email/unsubscribe>' },
        commentId: 'c-1',
        dedupeKey: 'reply:c-1:ann',
      }),
    ).toBe(true)
    await enqueue('bo@example.org')
    expect(await deliverDue(t.deps)).toEqual(report({ claimed: 2, sent: 2 }))
    const ann = await row('ann@example.org')
    expect(ann.message_id).toBe(`<${ann.id}@parley.test>`)
    expect(ann.comment_id).toBe('c-1') // erasing the comment's author erases this email too
    expect(ann.status).toBe('sent')
    expect(sentTo('ann@example.org')).toEqual([
      {
        messageId: ann.message_id,
        from: 'Parley <parley@localhost>',
        to: 'ann@example.org',
        replyTo: 'desk@news.example',
        subject: 'To ann@example.org',
        text: 'T',
        html: '<p>T</p>',
        headers: { 'List-Unsubscribe': '<https://parley.test/email/unsubscribe>' },
      },
    ])
    expect(sentTo('bo@example.org')).toEqual([expect.objectContaining({ replyTo: null, headers: {} })])
    expect((await row('bo@example.org')).comment_id).toBeNull()
  })

  it('keeps one email per dedupe key (one reply email per reply per reader)', async () => {
    expect(await enqueue('cy@example.org', { dedupeKey: 'reply:c-2:cy' })).toBe(true)
    expect(await enqueue('cy@example.org', { dedupeKey: 'reply:c-2:cy' })).toBe(false)
    await deliverDue(t.deps)
    expect(sentTo('cy@example.org')).toHaveLength(1)
  })

  it('reads headers stored as JSON text too (a driver that returns jsonb as a string)', async () => {
    await enqueue('dee@example.org', { headers: { 'X-Parley-Kind': 'reply' } })
    const r = await row('dee@example.org')
    expect(toOutgoingMail({ ...r, headers: JSON.stringify(r.headers) as never }, 'P <p@x>').headers).toEqual({ 'X-Parley-Kind': 'reply' })
  })
})

describe('rounds', () => {
  it('sends each due email exactly once, two workers at a time', async () => {
    await enqueueMany('once', 8)
    const slow: Mailer = {
      name: 'slow',
      async send(m) {
        await sleep(15)
        t.mailer.sent.push(m)
      },
    }
    const deps = { ...t.deps, mailer: slow }
    const [a, b] = await Promise.all([deliverDue(deps, { concurrency: 3 }), deliverDue(deps, { concurrency: 3 })])
    expect(a.claimed + b.claimed).toBe(8)
    expect(t.mailer.sent.map((m) => m.to).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `once${i}@example.org`).sort())
  })

  it('holds an email it is sending away from other workers for its lease (60 s by default)', async () => {
    await enqueue('held@example.org')
    const g = gatedMailer()
    const round = deliverDue({ ...t.deps, mailer: g.mailer })
    await g.holding(1)
    t.clock.advance(59_000)
    expect(await deliverDue(t.deps)).toEqual(report({}))
    await g.drain(round)
    expect(g.sent.map((m) => m.to)).toEqual(['held@example.org'])
    expect(sentTo('held@example.org')).toEqual([])
  })

  it('has at most `concurrency` emails in flight, 10 by default', async () => {
    await enqueueMany('lane', 12)
    const g = gatedMailer()
    const round = deliverDue({ ...t.deps, mailer: g.mailer })
    await g.holding(10)
    expect(await g.drain(round)).toEqual(report({ claimed: 12, sent: 12 }))
    await enqueueMany('three', 5)
    const g3 = gatedMailer()
    const round3 = deliverDue({ ...t.deps, mailer: g3.mailer }, { concurrency: 3 })
    await g3.holding(3)
    expect(await g3.drain(round3)).toEqual(report({ claimed: 5, sent: 5 }))
  })

  it('takes at most `limit` emails in a round; one lane sends one after another', async () => {
    await enqueueMany('limit', 3)
    expect(await deliverDue(t.deps, { limit: 2 })).toEqual(report({ claimed: 2, sent: 2 }))
    expect(await deliverDue(t.deps, { limit: 2 })).toEqual(report({ claimed: 1, sent: 1 }))
    await enqueueMany('serial', 3)
    expect(await deliverDue(t.deps, { concurrency: 1 })).toEqual(report({ claimed: 3, sent: 3 }))
  })

  it('a relay that is down costs one attempt per lane and round, not one per email', async () => {
    await enqueueMany('down', 3)
    const deps = { ...t.deps, mailer: failing(() => new Error('connect ECONNREFUSED 127.0.0.1:25')) }
    expect(await deliverDue(deps, { concurrency: 1 })).toEqual(report({ claimed: 1, retried: 1 }))
    const attempts = await t.deps.db.selectFrom('email_outbox').select('attempts').orderBy('attempts').execute()
    expect(attempts.map((r) => r.attempts)).toEqual([0, 0, 1])
  })
})

describe('failures', () => {
  it('retries after 1 min, 5 min, 30 min, 2 h and 6 h, then gives up, logging without the address', async () => {
    await enqueue('pat@example.org')
    const err = Object.assign(new Error('mailbox unavailable for pat@example.org'), { code: 'EENVELOPE' })
    const deps = { ...t.deps, mailer: failing(() => err) }
    const { id } = await row('pat@example.org')
    for (const [i, wait] of [60, 300, 1800, 7200, 21_600].entries()) {
      expect(await deliverDue(deps)).toEqual(report({ claimed: 1, retried: 1 }))
      const r = await row('pat@example.org')
      expect(r).toMatchObject({ status: 'pending', attempts: i + 1, last_error: 'EENVELOPE mailbox unavailable for …@example.org' })
      expect(new Date(r.next_attempt_at).getTime()).toBe(t.clock.now().getTime() + wait * 1000)
      expect(t.logLines.at(-1)).toContain(
        `warn email delivery failed; will retry {"id":"${id}","kind":"reply","attempts":${i + 1},"retryInSeconds":${wait},"error":"EENVELOPE mailbox unavailable for …@example.org"}`,
      )
      t.clock.advance(wait * 1000 - 1000)
      expect(await deliverDue(deps)).toEqual(report({}))
      t.clock.advance(1000)
    }
    expect(await deliverDue(deps)).toEqual(report({ claimed: 1, failed: 1 }))
    expect(await row('pat@example.org')).toMatchObject({ status: 'failed', attempts: 6, last_error: 'EENVELOPE mailbox unavailable for …@example.org' })
    expect(t.logLines.at(-1)).toContain(
      `error email failed for good {"id":"${id}","kind":"reply","attempts":6,"error":"EENVELOPE mailbox unavailable for …@example.org"}`,
    )
    t.clock.advance(365 * 86_400_000)
    expect(await deliverDue(deps)).toEqual(report({}))
    expect(t.logLines.join('\n')).not.toContain('pat@')
  })

  it('stores what went wrong, short and without addresses', async () => {
    const errors: Record<string, unknown> = {
      'coded@example.org': Object.assign(new Error('5.1.1 <bob.smith+news@mail.example.org>: Recipient address rejected'), { code: 'EENVELOPE', responseCode: 550 }),
      'plain@example.org': new Error('connect ECONNREFUSED 127.0.0.1:25'),
      'text@example.org': 'relay said no to ann@example.org,bo@example.net',
      'blank@example.org': Object.assign(new Error('timeout'), { code: '', responseCode: null }),
      'nothing@example.org': undefined,
      'long@example.org': new Error('x'.repeat(600)),
    }
    for (const to of Object.keys(errors)) await enqueue(to)
    const deps = { ...t.deps, mailer: failing((m) => errors[m.to]) }
    expect(await deliverDue(deps)).toEqual(report({ claimed: 6, retried: 6 }))
    const stored = async (to: string) => (await row(to)).last_error
    expect(await stored('coded@example.org')).toBe('EENVELOPE 550 5.1.1 <…@mail.example.org>: Recipient address rejected')
    expect(await stored('plain@example.org')).toBe('connect ECONNREFUSED 127.0.0.1:25')
    expect(await stored('text@example.org')).toBe('relay said no to …@example.org,…@example.net')
    expect(await stored('blank@example.org')).toBe('timeout')
    expect(await stored('nothing@example.org')).toBe('send failed')
    expect(await stored('long@example.org')).toBe('x'.repeat(500))
  })
})

describe('the database away when an email has gone out', () => {
  /** Refuses the first `times` updates that mark an email sent, as a database that is away would. */
  async function refuseMarkingSent(times: number) {
    await sql`create sequence if not exists outbox_refusals`.execute(t.deps.db)
    await sql`select setval('outbox_refusals', 1, false)`.execute(t.deps.db)
    await sql
      .raw(
        `create or replace function refuse_sent() returns trigger language plpgsql as $$
         begin
           if new.status = 'sent' then
             if nextval('outbox_refusals') <= ${times} then
               raise exception 'database away: %', repeat('z', 300);
             end if;
           end if;
           return new;
         end $$`,
      )
      .execute(t.deps.db)
    await sql`create trigger refuse_sent before update on email_outbox for each row execute function refuse_sent()`.execute(t.deps.db)
  }
  const backAgain = () => sql`drop trigger if exists refuse_sent on email_outbox`.execute(t.deps.db)

  it('marks it sent once the database is back, trying again after 0.2, 0.4, 0.8 s: sent once', async () => {
    await enqueue('brief@example.org')
    const { id } = await row('brief@example.org')
    await refuseMarkingSent(3)
    const began = Date.now()
    const r = await deliverDue(t.deps).finally(backAgain)
    const took = Date.now() - began
    expect(r).toEqual(report({ claimed: 1, sent: 1 }))
    expect(took).toBeGreaterThanOrEqual(1350)
    expect(took).toBeLessThan(9000)
    expect((await row('brief@example.org')).status).toBe('sent')
    expect(sentTo('brief@example.org')).toHaveLength(1)
    const warned = t.logLines.filter((l) => l.includes('warn could not mark an email sent; trying again'))
    expect(warned).toHaveLength(3)
    // The error, cut to 200 characters (a driver's message can be long).
    for (const l of warned) expect(l).toContain(`{"id":"${id}","error":"database away: ${'z'.repeat(185)}"}`)
  })

  it('gives up after half the lease: the round fails, and the email goes out again (same Message-ID) once the lease is over', async () => {
    await enqueue('away@example.org')
    await refuseMarkingSent(1_000_000)
    const began = Date.now()
    await expect(deliverDue(t.deps, { leaseMs: 1000 }).finally(backAgain)).rejects.toThrow(/database away/)
    expect(Date.now() - began).toBeLessThan(1300)
    expect((await row('away@example.org')).status).toBe('pending')
    t.clock.advance(1000)
    expect(await deliverDue(t.deps)).toEqual(report({ claimed: 1, sent: 1 }))
    const sent = sentTo('away@example.org')
    expect(sent).toHaveLength(2)
    expect(sent[1]!.messageId).toBe(sent[0]!.messageId)
  })
})

describe('a slow relay', () => {
  it('renews the lease (once a second at most) while the email is on its way: no other worker sends it too', async () => {
    await enqueue('slow@example.org')
    const { id } = await row('slow@example.org')
    const firstLease = t.clock.now().getTime() + 1500
    let renewedAfter = -1
    let other: DeliveryReport | undefined
    const slow: Mailer = {
      name: 'slow',
      async send() {
        t.clock.advance(1000) // the app's time goes on while the relay is slow
        await until(() => renewedAfter >= 0, 'the lease renewed', 2500)
        t.clock.advance(1000) // past the first lease, within the renewed one
        other = await deliverDue(t.deps)
      },
    }
    const began = Date.now()
    const watch = (async () => {
      while (renewedAfter < 0 && Date.now() - began < 2500) {
        const r = await t.deps.db.selectFrom('email_outbox').select('next_attempt_at').where('id', '=', id).executeTakeFirstOrThrow()
        if (new Date(r.next_attempt_at).getTime() > firstLease) renewedAfter = Date.now() - began
        else await sleep(20)
      }
    })()
    const r = await deliverDue({ ...t.deps, mailer: slow }, { leaseMs: 1500 })
    await watch
    expect(r).toEqual(report({ claimed: 1, sent: 1 }))
    expect(renewedAfter).toBeGreaterThanOrEqual(950)
    expect(other).toEqual(report({}))
    expect(sentTo('slow@example.org')).toEqual([])
  })

  it('after a failed send nothing renews the lease any more: the retry keeps its minute', async () => {
    await enqueue('gone@example.org')
    const deps = { ...t.deps, mailer: failing(() => new Error('connection reset')) }
    expect(await deliverDue(deps, { leaseMs: 1500 })).toEqual(report({ claimed: 1, retried: 1 }))
    const due = new Date((await row('gone@example.org')).next_attempt_at).getTime()
    expect(due).toBe(t.clock.now().getTime() + 60_000)
    await sleep(1300)
    expect(new Date((await row('gone@example.org')).next_attempt_at).getTime()).toBe(due)
  })
})

describe('the worker', () => {
  it('drains the outbox while rounds come back full (50 by default), then sleeps until its next tick', async () => {
    await enqueueMany('bulk', 51)
    const w = startOutboxWorker(t.deps, { intervalMs: 60_000 })
    try {
      await until(() => t.mailer.sent.length === 51, '51 emails sent')
      await enqueue('late@example.org')
      await sleep(300)
      expect(sentTo('late@example.org')).toEqual([])
    } finally {
      await w.stop()
    }
  })

  it('with batchSize and concurrency: smaller rounds, one email in flight at a time', async () => {
    await enqueueMany('small', 5)
    let inFlight = 0
    let most = 0
    const counting: Mailer = {
      name: 'counting',
      async send(m) {
        most = Math.max(most, ++inFlight)
        await sleep(30)
        inFlight--
        t.mailer.sent.push(m)
      },
    }
    const w = startOutboxWorker({ ...t.deps, mailer: counting }, { intervalMs: 60_000, batchSize: 2, concurrency: 1 })
    try {
      await until(() => t.mailer.sent.length === 5, '5 emails sent')
      expect(most).toBe(1)
    } finally {
      await w.stop()
    }
  })

  it('a round that fails (the database away) is logged, and the worker goes on at its next tick', async () => {
    await sql`alter table email_outbox rename to email_outbox_away`.execute(t.deps.db)
    const w = startOutboxWorker(t.deps, { intervalMs: 50 })
    try {
      try {
        await until(() => t.logLines.some((l) => l.includes('error outbox round failed {"error":')), 'the failed round logged')
      } finally {
        await sql`alter table email_outbox_away rename to email_outbox`.execute(t.deps.db)
      }
      await enqueue('after@example.org')
      await until(() => sentTo('after@example.org').length === 1, 'the email sent at a later tick')
    } finally {
      await w.stop()
    }
  })

  it('stop(): the email in flight is finished and marked, nothing new is claimed', async () => {
    await enqueueMany('stop', 3)
    let stopping: Promise<void> | undefined
    const w = startOutboxWorker(
      {
        ...t.deps,
        mailer: {
          name: 'stopper',
          async send(m) {
            stopping ??= w.stop()
            await sleep(20)
            t.mailer.sent.push(m)
          },
        },
      },
      { intervalMs: 60_000, concurrency: 1 },
    )
    await until(() => stopping !== undefined, 'the first send')
    await stopping
    expect(t.mailer.sent).toHaveLength(1)
    const rows = await t.deps.db.selectFrom('email_outbox').select(['status', 'attempts']).orderBy('status').execute()
    expect(rows).toEqual([
      { status: 'pending', attempts: 0 },
      { status: 'pending', attempts: 0 },
      { status: 'sent', attempts: 1 },
    ])
  })
})
