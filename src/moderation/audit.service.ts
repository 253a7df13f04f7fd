import { z } from 'zod'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { toDate } from '../db/index.js'
import { decodeCursor, encodeCursor, isSeq } from '../lib/cursor.js'
import { siteIdSchema } from '../sites/site.service.js'
import { siteScope } from './access.js'
import { findAuditEntries, type AuditRow } from './audit.repository.js'

export const auditQuerySchema = z.object({
  site: siteIdSchema.optional(),
  commentId: z.string().regex(/^[a-z0-9]{1,64}$/, 'is not a comment id').optional(),
  // A user id, a user's email, or `system` for the pipeline's own decisions.
  actor: z.string().trim().min(1).max(254).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
})

export interface AuditItem {
  id: string
  at: string
  site: string | null
  actor: { id: string | null; email: string | null } | null
  action: string
  commentId: string | null
  from: string | null
  to: string | null
  reason: string | null
  details: Record<string, unknown> | null
}

export function toAuditItem(r: AuditRow): AuditItem {
  return {
    id: r.id,
    at: toDate(r.at).toISOString(),
    site: r.site_id,
    // null = the system (the pipeline); a removed user keeps their email on the row.
    actor: r.actor_id || r.actor_email ? { id: r.actor_id, email: r.actor_email } : null,
    action: r.action,
    commentId: r.comment_id,
    from: r.from_status,
    to: r.to_status,
    reason: r.reason,
    details: r.details,
  }
}

export async function listAudit(deps: Deps, m: ModeratorIdentity, q: z.infer<typeof auditQuerySchema>) {
  const sites = siteScope(m, q.site)
  const beforeId = q.cursor ? decodeCursor(q.cursor, (p) => p.length === 1 && isSeq(p[0]))[0]! : null
  const rows = await findAuditEntries(deps.db, { sites, commentId: q.commentId, actor: q.actor, beforeId, limit: q.limit })
  const page = rows.slice(0, q.limit)
  return {
    items: page.map(toAuditItem),
    nextCursor: rows.length > q.limit ? encodeCursor([page[page.length - 1]!.id]) : null,
  }
}
