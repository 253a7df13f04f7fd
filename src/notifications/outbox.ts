import type { Trx } from '../db/index.js'
import type { Deps } from '../deps.js'
import { newId } from '../lib/ids.js'
import type { OutgoingMail } from '../mail/mailer.js'
import {
  claimDueRows,
  insertOutboxRow,
  markOutboxFailed,
  markOutboxRetry,
  markOutboxSent,
  renewOutboxLease,
  type OutboxRow,
} from './outbox.repository.js'
import { startLoop } from '../lib/loop.js'

/**
 * The transactional outbox. Emails are rows written in the transaction of the change that
 * causes them; `deliverDue` sends them later. Runtime-free: the Node worker loop and a
 * Workers cron trigger both call `deliverDue`.
 */

/** Waits after the 1st, 2nd, … failed attempt; after the last one the row is `failed`. */
export const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000]
export const MAX_ATTEMPTS = RETRY_BACKOFF_MS.length + 1
/**
 * How long a claimed row stays invisible to other workers: one message's lease, renewed every
 * third of it while its SMTP transaction lasts. A dead worker's messages are due again after
 * at most this long.
 */
export const DEFAULT_LEASE_MS = 60_000

export type EmailKind = 'moderation_needed' | 'reply' | 'confirm_address' | 'comment_approved' | 'new_comment_author' | 'moderator_invite' | 'privacy_link' | 'follow_confirm' | 'follow_digest'

export interface EnqueueMail {
  kind: EmailKind
  siteId: string | null
  to: string
  replyTo?: string | null
  subject: string
  text: string
  html: string
  headers?: Record<string, string>
  /** At most one row ever exists per key (e.g. one reply email per reply per recipient). */
  dedupeKey?: string | null
  /** The comment the email quotes or names: erasing its author removes the email too. */
  commentId?: string | null
}

/** A stable Message-ID for a row, in the service's own domain. */
export function messageIdFor(id: string, publicUrl: string): string {
  return `<${id}@${new URL(publicUrl).hostname}>`
}

/** Writes one email into the outbox inside the caller's transaction. False when deduplicated. */
export async function enqueueMail(trx: Trx, deps: Deps, mail: EnqueueMail): Promise<boolean> {
  const id = newId()
  return insertOutboxRow(trx, {
    id,
    messageId: messageIdFor(id, deps.config.publicUrl),
    dedupeKey: mail.dedupeKey ?? null,
    siteId: mail.siteId,
    kind: mail.kind,
    to: mail.to,
    replyTo: mail.replyTo ?? null,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers ?? {},
    commentId: mail.commentId ?? null,
    now: deps.clock.now(),
  })
}

export function toOutgoingMail(row: OutboxRow, from: string): OutgoingMail {
  return {
    messageId: row.message_id,
    from,
    to: row.to_address,
    replyTo: row.reply_to,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    headers: typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers,
  }
}

export interface DeliveryReport {
  claimed: number
  sent: number
  retried: number
  failed: number
}

/** `err` is never null or undefined here (deliverOne makes an Error of those). */
function errorText(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown }
  const parts = [e.code, e.responseCode, e.message ?? String(err)].filter((p) => p !== undefined && p !== null && p !== '')
  // Errors may quote the recipient; keep the stored error short and free of addresses (also
  // in a list: "a@x.org,b@y.org" must not leave "b" behind).
  return parts
    .map(String)
    .join(' ')
    .replace(/[^\s<>@,;]+@([^\s<>@,;]+)/g, '…@$1')
    .slice(0, 500)
}

/**
 * Delivers up to `limit` due emails through `deps.mailer`, `concurrency` at a time. Each lane
 * claims ONE row (a short transaction with FOR UPDATE SKIP LOCKED: several workers never take
 * the same row), holding it with a short lease renewed while it is being sent, and marks it
 * sent as soon as its SMTP transaction ends — or due again after a backoff, or failed after the
 * last attempt (a lane whose send failed stops claiming until the next round). So a worker killed mid-batch leaves behind only the messages it had in flight:
 * those whose transaction had already ended are sent again once (same Message-ID, so the
 * receiving side can tell), at most `concurrency` of them; the rest were never sent.
 * `shouldStop` is asked before each claim: a stopping worker finishes only what it holds.
 */
export async function deliverDue(
  deps: Deps,
  opts: { limit?: number; concurrency?: number; leaseMs?: number; shouldStop?: () => boolean } = {},
): Promise<DeliveryReport> {
  const limit = opts.limit ?? 50
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 10, limit))
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS
  const report: DeliveryReport = { claimed: 0, sent: 0, retried: 0, failed: 0 }
  let taken = 0
  let empty = false
  const leaseFrom = (now: Date) => new Date(now.getTime() + leaseMs)

  const deliverOne = async (row: OutboxRow) => {
    // Renews the lease while the message is on its way (a slow relay must not let another
    // worker take it over); a failed renewal is harmless, the lease then runs out as usual.
    const renew = setInterval(() => {
      renewOutboxLease(deps.db, row.id, leaseFrom(deps.clock.now())).catch(() => {})
    }, Math.max(1000, Math.floor(leaseMs / 3)))
    let sendError: unknown = null
    try {
      await deps.mailer.send(toOutgoingMail(row, deps.config.mailFrom))
    } catch (err) {
      sendError = err ?? new Error('send failed')
    } finally {
      clearInterval(renew)
    }
    if (sendError === null) {
      await markSentSoon(deps, row.id, leaseMs)
      report.sent++
      return true
    }
    const error = errorText(sendError)
    if (row.attempts >= MAX_ATTEMPTS) {
      await markOutboxFailed(deps.db, row.id, error)
      report.failed++
      deps.log.error('email failed for good', { id: row.id, kind: row.kind, attempts: row.attempts, error })
    } else {
      // attempts is 1 … MAX_ATTEMPTS - 1 here: one wait for each.
      const wait = RETRY_BACKOFF_MS[row.attempts - 1]!
      await markOutboxRetry(deps.db, row.id, new Date(deps.clock.now().getTime() + wait), error)
      report.retried++
      deps.log.warn('email delivery failed; will retry', { id: row.id, kind: row.kind, attempts: row.attempts, retryInSeconds: wait / 1000, error })
    }
    return false
  }

  const lane = async () => {
    while (!empty && taken < limit && !opts.shouldStop?.()) {
      taken++
      const now = deps.clock.now()
      const [row] = await deps.db.transaction().execute((trx) => claimDueRows(trx, now, leaseFrom(now), 1))
      if (!row) {
        // Nothing due: every lane ends after the email it holds.
        empty = true
        return
      }
      report.claimed++
      // A failed send most likely means the relay is away: this lane waits for the next round.
      if (!(await deliverOne(row))) return
    }
  }
  // Every lane ends before the round does (none goes on sending in the background).
  const results = await Promise.allSettled(Array.from({ length: concurrency }, lane))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return report
}

/**
 * Marks a sent row, retrying for a while when the database is briefly away: until it is
 * marked, the row would be sent again once its lease runs out.
 */
async function markSentSoon(deps: Deps, id: string, leaseMs: number) {
  const giveUpAt = Date.now() + leaseMs / 2
  for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await markOutboxSent(deps.db, [id], deps.clock.now())
    } catch (err) {
      if (Date.now() + wait > giveUpAt) throw err
      deps.log.warn('could not mark an email sent; trying again', { id, error: String((err as Error)?.message ?? err).slice(0, 200) })
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}

export interface OutboxWorker {
  stop(): Promise<void>
}

/**
 * Polls the outbox every `intervalMs` and drains it while full batches keep coming.
 * A failing round (database away) is logged and tried again on the next tick. `stop()`
 * resolves once the messages in flight are sent and marked; nothing new is claimed.
 */
export function startOutboxWorker(deps: Deps, opts: { intervalMs: number; batchSize?: number; concurrency?: number }): OutboxWorker {
  const batch = opts.batchSize ?? 50
  return startLoop(deps.log, 'outbox round failed', opts.intervalMs, async (isStopped) => {
    let r: DeliveryReport
    do {
      r = await deliverDue(deps, { limit: batch, shouldStop: isStopped, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) })
    } while (!isStopped() && r.claimed === batch)
  })
}
