import type { Selectable } from 'kysely'
import type { BansTable, CommentRow, ThreadRow } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

export function findThreadPageForExport(db: Executor, siteId: string, afterId: string, limit: number): Promise<ThreadRow[]> {
  return db.selectFrom('threads').selectAll().where('site_id', '=', siteId).where('id', '>', afterId).orderBy('id').limit(limit).execute()
}

/** Comments in insertion order (a parent before its replies), keyset-paged by seq. */
export async function findCommentPage(db: Executor, siteId: string, afterSeq: string, limit: number): Promise<CommentRow[]> {
  const rows = await db
    .selectFrom('comments')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ ...r, seq: String(r.seq) }))
}

export async function findReportsByCommentIds(db: Executor, ids: string[]) {
  const out = new Map<string, { reason: string; details: string | null; ip_key: string | null; created_at: Date | string; resolved_at: Date | string | null }[]>()
  if (ids.length === 0) return out
  const rows = await db
    .selectFrom('reports')
    .select(['comment_id', 'reason', 'details', 'ip_key', 'created_at', 'resolved_at'])
    .where('comment_id', 'in', ids)
    .orderBy('id')
    .execute()
  for (const r of rows) out.set(r.comment_id, [...(out.get(r.comment_id) ?? []), r])
  return out
}

export async function findImportOrigins(db: Executor, ids: string[]): Promise<Map<string, { source: string; sourceId: string }>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('comment_imports').select(['comment_id', 'source', 'source_id']).where('comment_id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.comment_id, { source: r.source, sourceId: r.source_id }]))
}

export function findBansBySite(db: Executor, siteId: string): Promise<Selectable<BansTable>[]> {
  return db.selectFrom('bans').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute()
}
