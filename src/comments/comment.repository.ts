import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import { jsonb } from '../db/index.js'
import { auditValues, type AuditEntry } from '../moderation/audit.repository.js'
import { FOLD_EVERY, liveCommentCount, liveVersion } from '../threads/thread.repository.js'
import type { Badge, CommentRow, CommentStatus, NewComment, Reason, TitleSource } from '../../db/schema.js'

export type ThreadSort = 'oldest' | 'newest' | 'best'

/** Where a page of a thread starts: after this top-level comment (`score`: its best_score, for `best`). */
export interface PageCursor {
  at: string
  seq: string
  score?: string
}

export function findCommentById(db: Executor, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst()
}

export function findCommentByIdForUpdate(db: Executor, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom('comments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function insertComment(db: Executor, row: Omit<NewComment, 'reasons'> & { reasons: Reason[] }) {
  await db
    .insertInto('comments')
    .values({ ...row, reasons: jsonb(row.reasons) })
    .execute()
}

/**
 * A new comment, its audit row and its thread's delta (+n approved, +1 version; migration 0014)
 * in ONE statement: the post writes no thread row, so posts on one thread do not wait for each
 * other. Says whether this post should fold its thread's deltas (one post in FOLD_EVERY).
 */
export async function insertCommentWithAudit(
  db: Executor,
  row: Omit<NewComment, 'reasons'> & { reasons: Reason[] },
  audit: AuditEntry,
  approved: number,
): Promise<{ fold: boolean }> {
  const r = await db
    .with('c', (qb) => qb.insertInto('comments').values({ ...row, reasons: jsonb(row.reasons) }))
    .with('d', (qb) => qb.insertInto('thread_deltas').values({ thread_id: row.thread_id, n: approved }).returning(sql<boolean>`id % ${FOLD_EVERY} = 0`.as('fold')))
    .insertInto('moderation_actions')
    .values(auditValues(audit))
    .returning((eb) => eb.selectFrom('d').select('fold').as('fold'))
    .executeTakeFirstOrThrow()
  return { fold: r.fold === true }
}

export async function updateCommentContent(
  db: Executor,
  id: string,
  u: { bodyMd: string; bodyHtml: string; status: CommentStatus; reasons: Reason[]; editTokenHash: string; now: Date },
): Promise<void> {
  await db
    .updateTable('comments')
    .set({
      body_md: u.bodyMd,
      body_html: u.bodyHtml,
      status: u.status,
      reasons: jsonb(u.reasons),
      edit_token_hash: u.editTokenHash,
      edited_at: u.now,
      updated_at: u.now,
    })
    .where('id', '=', id)
    .execute()
}

export async function setCommentStatus(db: Executor, id: string, status: CommentStatus, now: Date): Promise<void> {
  await db.updateTable('comments').set({ status, updated_at: now }).where('id', '=', id).execute()
}

export async function hasPublishedReplies(db: Executor, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('comments')
    .select('id')
    .where('parent_id', '=', id)
    .where('status', '=', 'approved')
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Everything the pipeline needs to know from the database, in one round trip. */
export async function findPipelineFacts(
  db: Executor,
  q: {
    siteId: string
    threadId: string
    parentId: string | null
    name: string
    email: string | null
    emailKey: string | null
    ipKey: string | null
    body: string
    /** null: flood control does not apply (off, or a moderator): lastPostAt is not read. */
    floodSince: Date | null
    now: Date
    /** false: the site's mode decides without it (post, pre): previouslyApproved is not read. */
    trustMatters?: boolean
  },
): Promise<{ banned: boolean; lastPostAt: Date | null; duplicate: boolean; previouslyApproved: boolean }> {
  const keyMatch = (col: 'email_key' | 'ip_key', v: string | null) => (v === null ? sql`false` : sql`${sql.ref(col)} = ${v}`)
  const r = await sql<{ banned: boolean; last_post_at: Date | string | null; duplicate: boolean; previously_approved: boolean }>`
    select
      exists (
        select 1 from bans
        where (site_id = ${q.siteId} or site_id is null)
          and (${keyMatch('email_key', q.emailKey)} or ${keyMatch('ip_key', q.ipKey)})
          and (expires_at is null or expires_at > ${q.now})
      ) as banned,
      ${
        q.floodSince === null
          ? sql`null`
          : sql`(
        select max(created_at) from comments
        where site_id = ${q.siteId} and created_at > ${q.floodSince}
          and (${keyMatch('email_key', q.emailKey)} or ${keyMatch('ip_key', q.ipKey)})
      )`
      } as last_post_at,
      exists (
        select 1 from comments
        where thread_id = ${q.threadId}
          and md5(body_md) = md5(${q.body})
          and parent_id is not distinct from ${q.parentId}
          and author_name = ${q.name}
          and author_email is not distinct from ${q.email}
          and body_md = ${q.body}
          and status in ('pending', 'approved')
      ) as duplicate,
      ${
        q.trustMatters === false
          ? sql`false`
          : sql`exists (
        select 1 from comments
        where site_id = ${q.siteId} and ${keyMatch('email_key', q.emailKey)}
          and author_name = ${q.name} and status = 'approved'
      )`
      } as previously_approved
  `.execute(db)
  const row = r.rows[0]!
  return {
    banned: row.banned,
    lastPostAt: row.last_post_at ? new Date(row.last_post_at) : null,
    duplicate: row.duplicate,
    previouslyApproved: row.previously_approved,
  }
}

export interface ThreadPageRow {
  id: string
  parent_id: string | null
  root_id: string
  depth: number
  status: CommentStatus
  body_html: string
  author_name: string
  author_url: string | null
  avatar_key: string
  created_at: string
  edited_at: string | null
  seq: string
  own: boolean
  /** The Markdown source, only for comments the request's edit tokens own (null otherwise). */
  body_md: string | null
  upvotes: number
  downvotes: number
  badge: Badge | null
  /** best_score as PostgreSQL prints it (exact round trip): what a `best` cursor holds. */
  score: string
}

/** Top-level order for a sort; `best` breaks ties oldest first. */
function topOrder(sort: ThreadSort, alias = 'c') {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  if (sort === 'best') return sql`${col('best_score')} desc, ${col('created_at')} asc, ${col('seq')} asc`
  const dir = sort === 'oldest' ? sql`asc` : sql`desc`
  return sql`${col('created_at')} ${dir}, ${col('seq')} ${dir}`
}

/** Top-level comments after a cursor, in `sort` order. */
function afterCursor(sort: ThreadSort, cursor: PageCursor | null) {
  if (!cursor) return sql``
  const key = sql`(${cursor.at}::timestamptz, ${cursor.seq}::bigint)`
  if (sort === 'oldest') return sql`and (c.created_at, c.seq) > ${key}`
  if (sort === 'newest') return sql`and (c.created_at, c.seq) < ${key}`
  const score = sql`${cursor.score ?? '0'}::float8`
  return sql`and (c.best_score < ${score} or (c.best_score = ${score} and (c.created_at, c.seq) > ${key}))`
}

/** Comments the edit tokens (sha-256 hashes) own, whatever their status. */
const ownedBy = (tokenHashes: string[]) =>
  tokenHashes.length ? sql`(c.edit_token_hash in (${sql.join(tokenHashes)}))` : sql`false`

/** The reader's own held comments (spam looks held to its author), shown only to them. */
const ownHeld = (tokenHashes: string[]) =>
  tokenHashes.length ? sql`(c.status in ('pending', 'spam') and ${ownedBy(tokenHashes)})` : sql`false`

/** Whether top-level comment `c` is listed: published, a tombstone over published replies, or the reader's own held one. */
const topShown = (own: ReturnType<typeof ownHeld>) => sql`(
  c.status = 'approved'
  or (c.status = 'deleted' and exists (
        select 1 from comments d where d.root_id = c.id and d.id <> c.id and d.status = 'approved'))
  or ${own}
)`

export interface ThreadPage {
  site: { id: string; settings: Record<string, unknown> } | null
  thread: { id: string; uri: string; title: string; title_source: TitleSource; closed: boolean; comment_count: number; version: number; created_at: string } | null
  /** False when the caller's cached page is still current (the comments were not read). */
  fresh: boolean
  topCount: number
  rows: ThreadPageRow[]
}

/**
 * A page of a thread in ONE round trip: the thread, the page's top-level comments
 * (limit + 1, to know whether there is a next page) and all their replies.
 */
export async function findThreadPage(
  db: Executor,
  q: {
    siteId: string
    uri: string
    sort: ThreadSort
    limit: number
    cursor: PageCursor | null
    tokenHashes: string[]
    /** A cached page's thread id and version: when still current, the comments are skipped. */
    known?: { threadId: string; version: number } | null
  },
): Promise<ThreadPage> {
  const own = ownHeld(q.tokenHashes)
  const mine = ownedBy(q.tokenHashes)
  const order = topOrder(q.sort)
  const after = afterCursor(q.sort, q.cursor)
  const r = await sql<{ site: ThreadPage['site']; thread: ThreadPage['thread']; current: boolean; top_count: number | string; comments: ThreadPageRow[] | null }>`
    with t as (
      select id, uri, title, title_source, closed, ${liveCommentCount('threads')} as comment_count, ${liveVersion('threads')} as version, created_at
      from threads where site_id = ${q.siteId} and uri = ${q.uri}
    ),
    tops as (
      select c.id, c.created_at, c.seq, c.best_score from comments c
      where c.thread_id = (select id from t) and c.parent_id is null
        and ${topShown(own)}
        ${after}
      order by ${order}
      limit ${q.limit + 1}
    ),
    page as (
      select id from tops order by ${topOrder(q.sort, 'tops')} limit ${q.limit}
    )
    , current as (
      select ${q.known ? sql`exists (select 1 from t where id = ${q.known.threadId} and version = ${q.known.version})` : sql`false`} as ok
    )
    select
      (select json_build_object('id', id, 'settings', settings) from sites where id = ${q.siteId}) as site,
      (select row_to_json(t) from t) as thread,
      (select ok from current) as current,
      case when (select ok from current) then 0 else (select count(*) from tops) end as top_count,
      case when (select ok from current) then null else coalesce((
        select json_agg(x order by x.created_at, x.seq_n) from (
          select c.id, c.parent_id, c.root_id, c.depth, c.status, c.body_html, c.author_name,
                 c.author_url, c.avatar_key, c.created_at, c.edited_at, c.seq::text as seq, c.seq as seq_n,
                 ${own} as own, case when ${mine} then c.body_md end as body_md,
                 c.upvotes, c.downvotes, c.badge, c.best_score::text as score
          from comments c
          where c.root_id in (select id from page)
            and (c.status in ('approved', 'deleted') or ${own})
        ) x
      ), '[]'::json) end as comments
  `.execute(db)
  const row = r.rows[0]!
  return {
    site: row.site,
    thread: row.thread,
    fresh: !row.current,
    topCount: Number(row.top_count),
    rows: row.comments ?? [],
  }
}

/** One conversation (a top-level comment and every reply under it) as the thread page lists it. */
export async function findConversationRows(db: Executor, rootId: string, tokenHashes: string[]): Promise<ThreadPageRow[]> {
  const own = ownHeld(tokenHashes)
  const r = await sql<ThreadPageRow>`
    select c.id, c.parent_id, c.root_id, c.depth, c.status, c.body_html, c.author_name, c.author_url,
           c.avatar_key, c.created_at, c.edited_at, c.seq::text as seq, ${own} as own, null as body_md,
           c.upvotes, c.downvotes, c.badge, c.best_score::text as score
    from comments c
    where c.root_id = ${rootId} and (c.status in ('approved', 'deleted') or ${own})
    order by c.created_at, c.seq
  `.execute(db)
  return r.rows
}

/**
 * Where a top-level comment stands among the thread's listed top-level comments: its 0-based
 * position in `sort` order, and the (created_at, seq) of the comment just before the first of
 * its page of `limit` (what a page cursor holds; null on the first page).
 */
export async function findTopPosition(
  db: Executor,
  q: { threadId: string; rootId: string; sort: ThreadSort; limit: number; tokenHashes: string[] },
): Promise<{ index: number; before: PageCursor | null } | undefined> {
  const r = await sql<{ pos: string | number; at: Date | string | null; seq: string | null; score: string | null }>`
    with tops as (
      select c.id, c.created_at, c.seq, c.best_score, row_number() over (order by ${topOrder(q.sort)}) - 1 as pos
      from comments c
      where c.thread_id = ${q.threadId} and c.parent_id is null and ${topShown(ownHeld(q.tokenHashes))}
    )
    select t.pos, s.created_at as at, s.seq::text as seq, s.best_score::text as score
    from tops t left join tops s on s.pos = (t.pos / ${q.limit}) * ${q.limit} - 1
    where t.id = ${q.rootId}
  `.execute(db)
  const row = r.rows[0]
  if (!row) return undefined
  const before = row.at && row.seq ? { at: new Date(row.at).toISOString(), seq: row.seq } : null
  return {
    index: Number(row.pos),
    before: before && q.sort === 'best' ? { ...before, score: row.score ?? '0' } : before,
  }
}
