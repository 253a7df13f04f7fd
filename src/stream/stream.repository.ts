import { sql } from 'kysely'
import type { CommentStatus, Badge } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

export interface ChangedRow {
  id: string
  site_id: string
  thread_uri: string
  parent_id: string | null
  depth: number
  status: CommentStatus
  body_html: string
  author_name: string
  author_url: string | null
  avatar_key: string
  upvotes: number
  downvotes: number
  badge: Badge | null
  created_at: Date | string
  edited_at: Date | string | null
  updated_at: Date | string
}

/**
 * Comments of the watched threads ((site, uri) pairs) changed since `since`, oldest change first:
 * the live stream's one poll query for every connection of this server. Public columns only.
 */
export async function findChangedComments(db: Executor, threads: { site: string; uri: string }[], since: Date, limit: number): Promise<ChangedRow[]> {
  if (threads.length === 0) return []
  const pairs = sql.join(threads.map((t) => sql`(${t.site}, ${t.uri})`))
  const r = await sql<ChangedRow>`
    select c.id, c.site_id, t.uri as thread_uri, c.parent_id, c.depth, c.status, c.body_html, c.author_name,
           c.author_url, c.avatar_key, c.upvotes, c.downvotes, c.badge, c.created_at, c.edited_at, c.updated_at
    from threads t
    join comments c on c.thread_id = t.id and c.updated_at > ${since}
    where (t.site_id, t.uri) in (${pairs})
    order by c.updated_at, c.id
    limit ${limit}
  `.execute(db)
  return r.rows
}
