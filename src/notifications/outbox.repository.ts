import { sql, type Selectable } from 'kysely'
import type { EmailOutboxTable } from '../../db/schema.js'
import { jsonb, type Executor, type Trx } from '../db/index.js'

export type OutboxRow = Selectable<EmailOutboxTable>

export interface NewOutboxRow {
  id: string
  messageId: string
  dedupeKey: string | null
  siteId: string | null
  kind: string
  to: string
  replyTo: string | null
  subject: string
  text: string
  html: string
  headers: Record<string, string>
  commentId?: string | null
  now: Date
}

/** Inserts one email; a row with the same dedupe key already there wins (returns false). */
export async function insertOutboxRow(db: Executor, r: NewOutboxRow): Promise<boolean> {
  const res = await db
    .insertInto('email_outbox')
    .values({
      id: r.id,
      message_id: r.messageId,
      dedupe_key: r.dedupeKey,
      site_id: r.siteId,
      kind: r.kind,
      to_address: r.to,
      reply_to: r.replyTo,
      subject: r.subject,
      text_body: r.text,
      html_body: r.html,
      headers: jsonb(r.headers),
      comment_id: r.commentId ?? null,
      next_attempt_at: r.now,
      created_at: r.now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst()
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0
}

/**
 * Claims up to `limit` due rows for one worker: locks them (skipping rows another worker
 * holds), pushes their next attempt past the lease and counts the attempt. Run inside a
 * short transaction; once it commits, no other worker sees these rows as due.
 */
export async function claimDueRows(trx: Trx, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  const due = await trx
    .selectFrom('email_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute()
  if (due.length === 0) return []
  return trx
    .updateTable('email_outbox')
    .set({ next_attempt_at: leaseUntil, attempts: sql`attempts + 1` })
    .where(
      'id',
      'in',
      due.map((r) => r.id),
    )
    .returningAll()
    .execute()
}

/** Pushes a row's lease further while its worker is still sending it. */
export async function renewOutboxLease(db: Executor, id: string, leaseUntil: Date): Promise<void> {
  await db.updateTable('email_outbox').set({ next_attempt_at: leaseUntil }).where('id', '=', id).where('status', '=', 'pending').execute()
}

export async function markOutboxSent(db: Executor, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('email_outbox')
    .set({ status: 'sent', sent_at: now, last_error: null })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute()
}

export async function markOutboxRetry(db: Executor, id: string, nextAttemptAt: Date, error: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ next_attempt_at: nextAttemptAt, last_error: error })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute()
}

export async function markOutboxFailed(db: Executor, id: string, error: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ status: 'failed', last_error: error })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute()
}
