import type { Executor } from '../db/index.js'

/** A thread's comments (every status) in reading order: top level oldest first, replies depth-first under their parent. */
export async function findThreadCommentIdsInOrder(db: Executor, threadId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select(['id', 'parent_id'])
    .where('thread_id', '=', threadId)
    .orderBy('created_at')
    .orderBy('seq')
    .limit(limit)
    .execute()
  const kids = new Map<string | null, string[]>()
  const known = new Set(rows.map((r) => r.id))
  for (const r of rows) {
    const parent = r.parent_id && known.has(r.parent_id) ? r.parent_id : null
    kids.set(parent, [...(kids.get(parent) ?? []), r.id])
  }
  const out: string[] = []
  const walk = (parent: string | null) => {
    for (const id of kids.get(parent) ?? []) {
      out.push(id)
      walk(id)
    }
  }
  walk(null)
  return out
}

export async function findCommentStatuses(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map()
  const rows = await db.selectFrom('comments').select(['id', 'status']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, r.status]))
}
