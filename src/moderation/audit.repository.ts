import type { Executor } from '../db/index.js'
import { jsonb } from '../db/index.js'

export interface AuditEntry {
  siteId: string
  commentId: string | null
  actor: { id: string; email: string } | null
  action: string
  from: string | null
  to: string | null
  reason: string | null
  details?: Record<string, unknown> | null
  at: Date
}

export async function insertAuditEntry(db: Executor, e: AuditEntry): Promise<void> {
  await db
    .insertInto('moderation_actions')
    .values({
      site_id: e.siteId,
      comment_id: e.commentId,
      actor_id: e.actor?.id ?? null,
      actor_email: e.actor?.email ?? null,
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      reason: e.reason,
      details: e.details ? jsonb(e.details) : null,
      at: e.at,
    })
    .execute()
}
