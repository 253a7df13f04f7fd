import type { Executor } from '../db/index.js'
import { jsonb } from '../db/index.js'

export interface AuditEntry {
  /** null: a global action (global bans). */
  siteId: string | null
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
  await db.insertInto('moderation_actions').values(auditValues(e)).execute()
}

/** The moderation_actions row of an entry (also written by statements that insert more). */
export function auditValues(e: AuditEntry) {
  return {
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
  }
}

export interface AuditRow {
  id: string
  site_id: string | null
  comment_id: string | null
  actor_id: string | null
  actor_email: string | null
  action: string
  from_status: string | null
  to_status: string | null
  reason: string | null
  details: Record<string, unknown> | null
  at: Date | string
}

/** Newest first, keyset-paginated by id. */
export async function findAuditEntries(
  db: Executor,
  q: { sites: string[] | null; commentId?: string | undefined; actor?: string | undefined; beforeId: string | null; limit: number },
): Promise<AuditRow[]> {
  let query = db.selectFrom('moderation_actions').selectAll()
  if (q.sites !== null) query = query.where('site_id', 'in', q.sites.length ? q.sites : ['\u0000'])
  if (q.commentId) query = query.where('comment_id', '=', q.commentId)
  if (q.actor === 'system') query = query.where('actor_id', 'is', null)
  else if (q.actor) {
    const actor = q.actor
    query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_email', '=', actor.toLowerCase())]))
  }
  if (q.beforeId) query = query.where('id', '<', q.beforeId)
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute()
  return rows.map((r) => ({ ...r, id: String(r.id) })) as AuditRow[]
}

/** The latest audit row that put a comment into `status`: who decided, and when. */
export async function findLastChangeTo(db: Executor, commentId: string, status: string) {
  return db
    .selectFrom('moderation_actions')
    .select(['actor_id', 'actor_email', 'action', 'at'])
    .where('comment_id', '=', commentId)
    .where('to_status', '=', status)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
}
