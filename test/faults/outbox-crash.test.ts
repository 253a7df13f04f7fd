import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type OpenedDatabase } from '../../src/db/node.js'
import { newId } from '../../src/lib/ids.js'
import { insertOutboxRow } from '../../src/notifications/outbox.repository.js'
import { messageIdFor } from '../../src/notifications/outbox.js'
import { startSmtp } from '../helpers/smtp.js'
import { skipClusterDrill, sleep, spawnTs, ThrowawayCluster, type Spawned } from './helpers.js'

/**
 * A mail worker process killed with SIGKILL in the middle of a batch, while a real SMTP server
 * receives: after a restart every email arrives, and the only duplicates are messages whose
 * SMTP transaction had ended but which the dead worker had not yet marked sent — at most one
 * resend each, at most as many as the worker had in flight (its delivery lanes), each with the
 * same Message-ID as the first copy.
 */
const skip = skipClusterDrill()
const PORT = 5441
const N = 150
const LANES = 10 // deliverDue's default concurrency: the most messages one worker has in flight

describe.skipIf(skip)('outbox: a worker killed mid-batch', () => {
  const cluster = new ThrowawayCluster(`/tmp/parley-faults-outbox-${process.pid}`, PORT)
  let db: OpenedDatabase
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  const workers: Spawned[] = []

  beforeAll(async () => {
    await cluster.remove()
    await cluster.start()
    const migrate = spawnTs('src/cli/migrate.ts', [], { DATABASE_URL: cluster.url })
    expect((await migrate.exited).code).toBe(0)
    db = await openDatabase({ databaseUrl: cluster.url, max: 2 })
    // A slow relay: each message takes 40 ms to be accepted, so the kill lands mid-batch.
    smtp = await startSmtp({ delayMs: 40 })
  }, 120_000)

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL')
    await Promise.all(workers.map((w) => w.exited))
    await smtp?.stop()
    await db?.close()
    await cluster.remove()
  })

  const startWorker = async () => {
    const w = spawnTs('src/cli/worker.ts', [], {
      DATABASE_URL: cluster.url,
      SMTP_URL: smtp.url,
      WORKER_INTERVAL_MS: '100',
      SECRET: 'outbox-drill-secret-0123456789-0123456789',
    })
    workers.push(w)
    await w.waitFor(/mail worker started/)
    return w
  }

  const enqueue = async (count: number, tag: string) => {
    const now = new Date(Date.now() - 1000)
    await db.db.transaction().execute(async (trx) => {
      for (let i = 0; i < count; i++) {
        const id = newId()
        await insertOutboxRow(trx, {
          id,
          messageId: messageIdFor(id, 'http://parley.test'),
          dedupeKey: null,
          siteId: null,
          kind: 'reply',
          to: `reader${i}@example.org`,
          replyTo: null,
          subject: `${tag} ${i}`,
          text: `Body ${i}`,
          html: `<p>Body ${i}</p>`,
          headers: {},
          now,
        })
      }
    })
  }

  it('delivers every email after a restart, resending only what was in flight, with the same Message-ID', async () => {
    await enqueue(N, 'Message')

    const first = await startWorker()
    const until = Date.now() + 60_000
    while (smtp.received.length < 40) {
      if (Date.now() > until) throw new Error(`the worker sent ${smtp.received.length} in 60 s:\n${first.lines.join('\n')}`)
      await sleep(5)
    }
    first.kill('SIGKILL')
    await first.exited
    await sleep(300)
    const receivedAtKill = new Set(smtp.received.map((r) => r.mail.messageId!))
    const sentAtKill = new Set(
      (await db.db.selectFrom('email_outbox').select('message_id').where('status', '=', 'sent').execute()).map((r) => r.message_id),
    )
    expect(receivedAtKill.size).toBeLessThan(N)
    // Every row marked sent was received; what was received but not marked was in flight.
    for (const id of sentAtKill) expect(receivedAtKill.has(id)).toBe(true)
    const unmarked = [...receivedAtKill].filter((id) => !sentAtKill.has(id))
    expect(unmarked.length).toBeLessThanOrEqual(LANES)
    // The dead worker's other rows are not held for long: nothing is leased past a minute.
    const held = await db.db.selectFrom('email_outbox').select(['next_attempt_at']).where('status', '=', 'pending').execute()
    for (const r of held) expect(new Date(r.next_attempt_at).getTime() - Date.now()).toBeLessThanOrEqual(61_000)

    const second = await startWorker()
    const deadline = Date.now() + 120_000 // the dead worker's leases (60 s) run out first
    for (;;) {
      const left = await db.db.selectFrom('email_outbox').select('id').where('status', '!=', 'sent').execute()
      if (left.length === 0) break
      if (Date.now() > deadline) throw new Error(`${left.length} emails never sent after the restart:\n${second.lines.slice(-10).join('\n')}`)
      await sleep(250)
    }
    await sleep(200)

    const rows = await db.db.selectFrom('email_outbox').select(['message_id', 'subject']).execute()
    const counts = new Map<string, number>()
    for (const r of smtp.received) counts.set(r.mail.messageId!, (counts.get(r.mail.messageId!) ?? 0) + 1)
    // Every email arrived…
    for (const r of rows) expect(counts.get(r.message_id) ?? 0, r.subject).toBeGreaterThanOrEqual(1)
    // …and a second copy only of a message in flight at the kill, once, with the same Message-ID.
    const twice = [...counts].filter(([, n]) => n > 1)
    for (const [id, n] of twice) {
      expect(n).toBe(2)
      expect(unmarked).toContain(id)
      const copies = smtp.received.filter((r) => r.mail.messageId === id)
      expect(copies[0]!.mail.subject).toBe(copies[1]!.mail.subject)
    }
    expect(counts.size).toBe(N)
    second.kill('SIGTERM')
    await second.exited
    console.log(
      `[faults] outbox crash: ${N} emails; ${receivedAtKill.size} received before the kill, ${unmarked.length} of them not yet marked sent; ${twice.length} sent twice (same Message-ID)`,
    )
  }, 240_000)

  it('SIGTERM mid-batch: the worker finishes the messages it holds, marks them, and exits 0 (nothing sent twice)', async () => {
    smtp.received.length = 0
    await enqueue(80, 'Graceful')
    const w = await startWorker()
    const until = Date.now() + 60_000
    while (smtp.received.length < 20) {
      if (Date.now() > until) throw new Error(`the worker sent ${smtp.received.length} in 60 s`)
      await sleep(5)
    }
    const termAt = Date.now()
    w.kill('SIGTERM')
    const exit = await w.exited
    expect(exit.code, w.lines.slice(-10).join('\n')).toBe(0)
    expect(Date.now() - termAt).toBeLessThan(15_000)
    expect(w.lines.join('\n')).toMatch(/stopped/)
    await sleep(200)
    // Everything received was marked sent before the exit: a restart sends nothing twice.
    const received = smtp.received.map((r) => r.mail.messageId!)
    const sent = new Set(
      (await db.db.selectFrom('email_outbox').select('message_id').where('status', '=', 'sent').where('subject', 'like', 'Graceful %').execute()).map((r) => r.message_id),
    )
    expect(received.filter((id) => !sent.has(id))).toEqual([])
    expect(received.length).toBeLessThan(80)
    await startWorker()
    const deadline = Date.now() + 60_000
    while ((await db.db.selectFrom('email_outbox').select('id').where('status', '!=', 'sent').execute()).length > 0) {
      if (Date.now() > deadline) throw new Error('the restarted worker did not finish')
      await sleep(200)
    }
    await sleep(200)
    const ids = smtp.received.map((r) => r.mail.messageId!)
    expect(ids.length).toBe(80)
    expect(new Set(ids).size).toBe(80)
  }, 180_000)
})
