import { sql, type RawBuilder } from 'kysely'
import type { CommentStatus, Reason } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

export const QUEUES = ['pending', 'reported', 'approved', 'rejected', 'spam'] as const
export type Queue = (typeof QUEUES)[number]

/** A comment with everything a moderator sees, gathered by correlated subqueries in ONE statement. */
export interface ModCommentRow {
  id: string
  seq: string
  site_id: string
  thread_id: string
  parent_id: string | null
  depth: number
  status: CommentStatus
  body_html: string
  author_name: string
  author_email: string | null
  author_url: string | null
  avatar_key: string
  ip_key: string | null
  reasons: Reason[]
  open_reports: number
  upvotes: number
  downvotes: number
  badge: 'staff' | 'author' | null
  created_at: Date | string
  edited_at: Date | string | null
  thread_uri: string
  thread_title: string
  reply_count: number | string
  parent: { id: string; author: string; body: string; status: CommentStatus } | null
  reports: { reason: string; details: string | null; at: string; resolved: boolean }[]
  history: { approved: number; rejected: number; spam: number }
}

export interface QueueFilter {
  /** null: every site. */
  sites: string[] | null
  threadId?: string | undefined
  q?: string | undefined
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => '\\' + ch)

function scopeConditions(f: QueueFilter): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = []
  if (f.sites !== null) where.push(f.sites.length ? sql`c.site_id in (${sql.join(f.sites)})` : sql`false`)
  if (f.threadId) where.push(sql`c.thread_id = ${f.threadId}`)
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`
    where.push(sql`(c.body_md ilike ${like} or c.author_name ilike ${like} or c.author_email ilike ${like})`)
  }
  return where
}

export function queueCondition(queue: Queue): RawBuilder<unknown> {
  // reported = published and reported, not yet reviewed (a review clears open_reports).
  return queue === 'reported' ? sql`(c.status = 'approved' and c.open_reports > 0)` : sql`c.status = ${queue}`
}

/**
 * The page's rows are chosen first (index order, limit), and only then enriched: select-list
 * subqueries sitting beside an ORDER BY would otherwise run for every matching row. The rows come
 * back as ONE json value (`items`), not one row each: on PGlite every result row and field costs
 * a conversion in WebAssembly and another in JavaScript (docs/perf.md, round 3), and on PostgreSQL
 * one value is one parse. `also` adds more columns to that one row (the queue counts).
 */
function selectModComments(where: RawBuilder<unknown>[], dir: 'asc' | 'desc', limit: number, also: RawBuilder<unknown>[] = []) {
  const d = dir === 'desc' ? sql`desc` : sql`asc`
  return sql<{ items: ModCommentRow[] | null } & Record<string, unknown>>`
    with page as (
      select c.id, c.created_at, c.seq from comments c
      where ${where.length ? sql.join(where, sql` and `) : sql`true`}
      order by c.created_at ${d}, c.seq ${d}
      limit ${limit}
    ), items as (
      select c.id, c.seq::text as seq, c.site_id, c.thread_id, c.parent_id, c.depth, c.status, c.body_html,
        c.author_name, c.author_email, c.author_url, c.avatar_key, c.ip_key, c.reasons, c.open_reports,
        c.upvotes, c.downvotes, c.badge, c.created_at, c.edited_at, t.uri as thread_uri, t.title as thread_title,
        (select count(*) from comments k where k.parent_id = c.id and k.status = 'approved') as reply_count,
        (select json_build_object('id', p.id, 'author', p.author_name, 'body', left(p.body_md, 300), 'status', p.status)
           from comments p where p.id = c.parent_id) as parent,
        (select coalesce(json_agg(json_build_object('reason', r.reason, 'details', r.details, 'at', r.created_at,
                  'resolved', r.resolved_at is not null) order by r.created_at, r.id), '[]'::json)
           from reports r where r.comment_id = c.id) as reports,
        (select json_build_object(
                  'approved', count(*) filter (where h.status = 'approved'),
                  'rejected', count(*) filter (where h.status = 'rejected'),
                  'spam', count(*) filter (where h.status = 'spam'))
           from comments h where h.email_key = c.email_key and h.site_id = c.site_id) as history,
        page.seq as seq_n
      from page
      join comments c on c.id = page.id
      join threads t on t.id = c.thread_id
    )
    select (select json_agg(items order by items.created_at ${d}, items.seq_n ${d}) from items) as items
      ${also.length ? sql`, ${sql.join(also)}` : sql``}
  `
}

/** The rows of a selectModComments answer (the json value), without the ordering helper. */
function itemsOf(row: { items: ModCommentRow[] | null } | undefined): ModCommentRow[] {
  const items = row?.items ?? []
  for (const i of items) delete (i as { seq_n?: unknown }).seq_n
  return items
}

/**
 * One page of a queue (limit + 1 rows, so the caller knows whether there is more) and the counts
 * of every queue for the same scope: one statement.
 */
export async function findQueuePage(
  db: Executor,
  q: QueueFilter & { queue: Queue; sort: 'newest' | 'oldest'; limit: number; cursor: { at: string; seq: string } | null },
): Promise<{ rows: ModCommentRow[]; counts: Record<Queue, number> }> {
  const where = [queueCondition(q.queue), ...scopeConditions(q)]
  if (q.cursor) {
    const key = sql`(${q.cursor.at}::timestamptz, ${q.cursor.seq}::bigint)`
    where.push(q.sort === 'newest' ? sql`(c.created_at, c.seq) < ${key}` : sql`(c.created_at, c.seq) > ${key}`)
  }
  const counts = countsOf(q)
  const r = await selectModComments(where, q.sort === 'newest' ? 'desc' : 'asc', q.limit + 1, [sql`(${counts.sql}) as counts`]).execute(db)
  const row = r.rows[0]
  return { rows: itemsOf(row), counts: await counts.read(db, row?.counts as CountsJson) }
}

export async function findModCommentsByIds(db: Executor, ids: string[]): Promise<ModCommentRow[]> {
  if (ids.length === 0) return []
  const r = await selectModComments([sql`c.id in (${sql.join(ids)})`], 'asc', ids.length).execute(db)
  return itemsOf(r.rows[0])
}

/** Delta rows (comment_counts) a scope may pile up before a read folds them into one per queue. */
export const FOLD_COUNTS_AT = 200

type CountsJson = Record<Queue, number | string> & { deltas?: number | string }

/**
 * How many comments wait in each queue, for a site/thread/search scope: a json expression for a
 * statement of its own or for the page's (`sql`), and what turns its value into the counts (`read`).
 * A whole site (or every site) is summed from comment_counts, the deltas its triggers write
 * (migration 0008), not counted row by row — and folded when a scope has piled up more than
 * FOLD_COUNTS_AT of them; a thread or a search counts its (few) rows.
 */
function countsOf(f: QueueFilter): { sql: RawBuilder<CountsJson>; read: (db: Executor, v: CountsJson | undefined) => Promise<Record<Queue, number>> } {
  const read = async (db: Executor, v: CountsJson | undefined) => {
    if (Number(v?.deltas ?? 0) > FOLD_COUNTS_AT) await foldCounts(db, sites)
    return Object.fromEntries(QUEUES.map((q) => [q, Number(v?.[q] ?? 0)])) as Record<Queue, number>
  }
  const sites = f.sites === null ? sql`true` : f.sites.length ? sql`site_id in (${sql.join(f.sites)})` : sql`false`
  if (!f.threadId && !f.q) {
    const sum = (q: Queue) => sql`coalesce(sum(n) filter (where queue = ${sql.lit(q)}), 0)`
    return {
      sql: sql<CountsJson>`select json_build_object(${sql.join(QUEUES.map((q) => sql`${sql.lit(q)}, ${sum(q)}`))}, 'deltas', count(*)) from comment_counts where ${sites}`,
      read,
    }
  }
  const where = scopeConditions(f)
  return {
    sql: sql<CountsJson>`
      select json_build_object(
        'pending', count(*) filter (where c.status = 'pending'),
        'reported', count(*) filter (where c.status = 'approved' and c.open_reports > 0),
        'approved', count(*) filter (where c.status = 'approved'),
        'rejected', count(*) filter (where c.status = 'rejected'),
        'spam', count(*) filter (where c.status = 'spam'))
      from comments c
      where ${where.length ? sql.join(where, sql` and `) : sql`true`}`,
    read,
  }
}

/** How many comments wait in each queue, for the same site/thread/search scope, in one statement (see countsOf). */
export async function countQueues(db: Executor, f: QueueFilter): Promise<Record<Queue, number>> {
  const counts = countsOf(f)
  const r = await sql<{ counts: CountsJson }>`select (${counts.sql}) as counts`.execute(db)
  return counts.read(db, r.rows[0]?.counts)
}

/**
 * Folds a scope's count deltas into one row per site and queue. Safe beside writers and other
 * folds: a delta is deleted once (a concurrent fold skips what this one took), and rows committed
 * after this statement began are left for the next fold.
 */
async function foldCounts(db: Executor, sites: RawBuilder<unknown>): Promise<void> {
  await sql`
    with gone as (delete from comment_counts where ${sites} returning site_id, queue, n)
    insert into comment_counts (site_id, queue, n)
    select site_id, queue, sum(n) from gone group by site_id, queue having sum(n) <> 0
  `.execute(db)
}
