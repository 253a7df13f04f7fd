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
  type OutboxRow,
} from './outbox.repository.js'

/**
 * The transactional outbox. Emails are rows written in the transaction of the change that
 * causes them; `deliverDue` sends them later. Runtime-free: the Node worker loop and a
 * Workers cron trigger both call `deliverDue`.
 */

/** Waits after the 1st, 2nd, … failed attempt; after the last one the row is `failed`. */
export const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000]
export const MAX_ATTEMPTS = RETRY_BACKOFF_MS.length + 1
/**
 * How long a claimed row stays invisible to other workers while one sends it: well above the
 * worst a batch can take with the SMTP timeouts, so only a dead worker's rows are taken over.
 */
export const DEFAULT_LEASE_MS = 10 * 60_000

export type EmailKind = 'moderation_needed' | 'reply' | 'confirm_address' | 'comment_approved' | 'new_comment_author' | 'moderator_invite' | 'privacy_link'

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

function errorText(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown }
  const parts = [e?.code, e?.responseCode, e?.message ?? String(err)].filter((p) => p !== undefined && p !== null && p !== '')
  // Errors may quote the recipient; keep the stored error short and free of addresses.
  return parts
    .map(String)
    .join(' ')
    .replace(/[^\s<>@]+@([^\s<>@]+)/g, '…@$1')
    .slice(0, 500)
}

/**
 * Claims due rows (a short transaction with FOR UPDATE SKIP LOCKED), sends them through
 * `deps.mailer` with a few in flight, then marks each sent, or due again after a backoff,
 * or failed after the last attempt. Several callers at once never send one row twice.
 */
export async function deliverDue(
  deps: Deps,
  opts: { limit?: number; concurrency?: number; leaseMs?: number } = {},
): Promise<DeliveryReport> {
  const limit = opts.limit ?? 50
  const concurrency = Math.max(1, opts.concurrency ?? 10)
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS
  const claimedAt = deps.clock.now()
  const rows = await deps.db
    .transaction()
    .execute((trx) => claimDueRows(trx, claimedAt, new Date(claimedAt.getTime() + leaseMs), limit))
  const report: DeliveryReport = { claimed: rows.length, sent: 0, retried: 0, failed: 0 }
  let next = 0
  // Sent rows are marked in small groups: one UPDATE instead of one per email.
  let sentIds: string[] = []
  const flush = async () => {
    const ids = sentIds
    sentIds = []
    await markOutboxSent(deps.db, ids, deps.clock.now())
  }
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++]!
      try {
        await deps.mailer.send(toOutgoingMail(row, deps.config.mailFrom))
      } catch (err) {
        const error = errorText(err)
        if (row.attempts >= MAX_ATTEMPTS) {
          await markOutboxFailed(deps.db, row.id, error)
          report.failed++
          deps.log.error('email failed for good', { id: row.id, kind: row.kind, attempts: row.attempts, error })
        } else {
          const wait = RETRY_BACKOFF_MS[row.attempts - 1] ?? RETRY_BACKOFF_MS[RETRY_BACKOFF_MS.length - 1]!
          await markOutboxRetry(deps.db, row.id, new Date(deps.clock.now().getTime() + wait), error)
          report.retried++
          deps.log.warn('email delivery failed; will retry', { id: row.id, kind: row.kind, attempts: row.attempts, retryInSeconds: wait / 1000, error })
        }
        continue
      }
      sentIds.push(row.id)
      report.sent++
      if (sentIds.length >= 20) await flush()
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane))
  } finally {
    await flush()
  }
  return report
}

export interface OutboxWorker {
  stop(): Promise<void>
}

/**
 * Polls the outbox every `intervalMs` and drains it while full batches keep coming.
 * A failing round (database away) is logged and tried again on the next tick.
 */
export function startOutboxWorker(deps: Deps, opts: { intervalMs: number; batchSize?: number; concurrency?: number }): OutboxWorker {
  const batch = opts.batchSize ?? 50
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let wake: (() => void) | undefined
  const loop = (async () => {
    while (!stopped) {
      try {
        let r: DeliveryReport
        do {
          r = await deliverDue(deps, { limit: batch, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) })
        } while (!stopped && r.claimed === batch)
      } catch (err) {
        deps.log.error('outbox round failed', { error: String((err as Error)?.message ?? err) })
      }
      if (stopped) break
      await new Promise<void>((resolve) => {
        wake = resolve
        timer = setTimeout(resolve, opts.intervalMs)
      })
    }
  })()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      wake?.()
      await loop
    },
  }
}
