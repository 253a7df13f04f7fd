import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { SiteRow, ThreadRow, TitleSource } from '../../db/schema.js'
import { newId } from '../lib/ids.js'

const THREAD_COLUMNS = ['id', 'site_id', 'uri', 'title', 'closed', 'authors', 'comment_count', 'version', 'title_source', 'created_at', 'updated_at'] as const satisfies readonly (keyof ThreadRow)[]
// Every column of ThreadRow is in the list: a new column fails to compile here until it is added.
const allThreadColumns: [Exclude<keyof ThreadRow, (typeof THREAD_COLUMNS)[number]>] extends [never] ? true : false = true
void allThreadColumns

/** A thread row with its live count and version (the row's plus its deltas; see liveCommentCount). */
const selectLiveThread = (db: Executor) =>
  db
    .selectFrom('threads')
    .select(['id', 'site_id', 'uri', 'title', 'closed', 'authors', 'title_source', 'created_at', 'updated_at'])
    .select([liveCommentCount('threads').as('comment_count'), liveVersion('threads').as('version')])

export function findThreadBySiteUri(db: Executor, siteId: string, uri: string): Promise<ThreadRow | undefined> {
  return selectLiveThread(db).where('site_id', '=', siteId).where('uri', '=', uri).executeTakeFirst()
}

export function findThreadById(db: Executor, id: string): Promise<ThreadRow | undefined> {
  return selectLiveThread(db).where('id', '=', id).executeTakeFirst()
}

const TITLE_RANK = sql`array['read', 'page', 'comment', 'moderator']::text[]`
const rank = (col: string) => sql`array_position(${TITLE_RANK}, ${sql.ref(col)})`

/**
 * Finds or creates the thread. A title fills an empty one, and replaces one from a weaker source
 * (a bare read < the publisher's page < a comment < a moderator): a title squatted by a read gives
 * way to the real one. Equal sources never overwrite (no write war between readers). A thread made
 * by a bare read that nobody commented on starts its life (closeAfterDays) when the real title comes.
 */
export async function upsertThread(
  db: Executor,
  t: { siteId: string; uri: string; title: string; now: Date; source?: TitleSource },
): Promise<ThreadRow> {
  const source = t.source ?? 'comment'
  const stronger = sql<boolean>`(excluded.title <> '' and ${rank('excluded.title_source')} > ${rank('threads.title_source')})`
  return db
    .insertInto('threads')
    .values({
      id: newId(),
      site_id: t.siteId,
      uri: t.uri,
      title: t.title,
      title_source: t.title ? source : 'read',
      authors: sql`'[]'::jsonb`,
      created_at: t.now,
      updated_at: t.now,
    })
    .onConflict((oc) =>
      oc.columns(['site_id', 'uri']).doUpdateSet({
        title: sql`case when threads.title = '' or ${stronger} then excluded.title else threads.title end`,
        title_source: sql`case when ${stronger} then excluded.title_source else threads.title_source end`,
        created_at: sql`case when ${stronger} and threads.title_source = 'read'
          and not exists (select 1 from comments where comments.thread_id = threads.id)
          then excluded.created_at else threads.created_at end`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}

const TITLE_RANKS: TitleSource[] = ['read', 'page', 'comment', 'moderator']

/** Whether upsertThread would change the thread: a title fills an empty one, or replaces a weaker source's. */
export function titleWanted(thread: { title: string; title_source: TitleSource }, title: string, source: TitleSource): boolean {
  return title !== '' && (thread.title === '' || TITLE_RANKS.indexOf(source) > TITLE_RANKS.indexOf(thread.title_source))
}

/**
 * The thread of a new comment, after taking the post's advisory locks (transaction-scoped; see
 * postComment), in ONE round trip. Reads the row without locking it: upsertThread's ON CONFLICT
 * DO UPDATE locked the thread until the post's commit, so every post on one thread waited for
 * the one before (docs/perf.md). Only a missing thread, or a title to write, goes through upsertThread.
 */
export async function findThreadForPost(
  db: Executor,
  t: { siteId: string; uri: string; title: string; now: Date; lockKeys: string[] },
): Promise<ThreadRow & { followed?: boolean }> {
  // Locks in one global order (by hash), so two posts never wait for each other crosswise.
  const locks = t.lockKeys.length
    ? sql`(select count(pg_advisory_xact_lock(h)) from (
        select distinct hashtextextended(k, 0) as h from (values ${sql.join(t.lockKeys.map((k) => sql`(${k})`))}) v(k) order by 1) x)`
    : sql`0`
  // `followed`: whether anyone follows the thread by email, in the same round trip, so a post on
  // a thread nobody follows skips the followers' digest statement (src/follows).
  // The columns by name, not t.*: a new column in a migration does not change this statement's result.
  const r = await sql<ThreadRow & { locked: unknown; followed: boolean }>`
    select ${locks} as locked, ${sql.join(THREAD_COLUMNS.map((c) => sql.ref(`t.${c}`)))},
      exists (select 1 from thread_follows f where f.thread_id = t.id and f.confirmed_at is not null and f.unsubscribed_at is null) as followed
    from (select 1) one
    left join threads t on t.site_id = ${t.siteId} and t.uri = ${t.uri}
  `.execute(db)
  const { locked: _locked, ...found } = r.rows[0]!
  if (found.id !== null && !titleWanted(found as ThreadRow, t.title, 'comment')) return found
  return upsertThread(db, t)
}

/**
 * A thread's live figures (migration 0014): a post does not write its thread's row (that row,
 * locked through each commit's fsync, made posts on one thread commit one at a time); it appends
 * a delta row (+n approved, +1 version). The live count is the row's plus the deltas' sum, the
 * live version the row's plus the number of deltas. `t` is the threads alias in the query.
 */
export const liveCommentCount = (t: string) =>
  sql<number>`(${sql.ref(`${t}.comment_count`)} + coalesce((select sum(d.n) from thread_deltas d where d.thread_id = ${sql.ref(`${t}.id`)}), 0))::int`
export const liveVersion = (t: string) =>
  sql<number>`(${sql.ref(`${t}.version`)} + (select count(*) from thread_deltas d where d.thread_id = ${sql.ref(`${t}.id`)}))::int`

/** One post in this many folds its thread's deltas after its commit (the delta id decides). */
export const FOLD_EVERY = 64

/**
 * Folds the thread's deltas into its row in ONE statement: the rows this statement deletes are
 * the rows it adds, so the live count and version do not move (a cached page stays valid), and a
 * concurrent fold or post loses nothing (a delta is deleted once; one committed later stays).
 */
export async function foldThreadDeltas(db: Executor, threadId: string): Promise<void> {
  await sql`
    with d as (delete from thread_deltas where thread_id = ${threadId} returning n)
    update threads set
      comment_count = comment_count + (select coalesce(sum(n), 0) from d)::int,
      version = version + (select count(*) from d)::int
    where id = ${threadId} and exists (select 1 from d)
  `.execute(db)
}

/**
 * Recounts approved comments and bumps the version (the ETag) in the same transaction. The
 * thread's deltas go in the same statement: the recount sees the comments whose deltas it
 * deletes (one snapshot), so the live count is the recount and the live version moves by one.
 */
export async function refreshThread(db: Executor, threadId: string, now: Date): Promise<void> {
  await sql`
    with d as (delete from thread_deltas where thread_id = ${threadId} returning 1)
    update threads set
      comment_count = (select count(*) from comments where thread_id = ${threadId} and status = 'approved')::int,
      version = version + 1 + (select count(*) from d)::int,
      updated_at = ${now}
    where id = ${threadId}
  `.execute(db)
}

export async function setThreadAuthorsIfEmpty(db: Executor, threadId: string, handles: string[]): Promise<void> {
  await db
    .updateTable('threads')
    .set({ authors: sql`cast(cast(${JSON.stringify(handles)} as text) as jsonb)` })
    .where('id', '=', threadId)
    .where(sql<boolean>`authors = '[]'::jsonb`)
    .execute()
}

/**
 * The site and the comment counts of the given thread keys in ONE round trip (the counts
 * endpoint's whole database work when no uri carries a query string).
 */
export async function findSiteWithCounts(db: Executor, siteId: string, uris: string[]): Promise<{ site: SiteRow; counts: Map<string, number> } | undefined> {
  const row = await db
    .selectFrom('sites')
    .selectAll('sites')
    .select((eb) =>
      eb
        .selectFrom('threads')
        .select(sql<Record<string, number> | null>`json_object_agg(threads.uri, ${liveCommentCount('threads')})`.as('counts'))
        .whereRef('threads.site_id', '=', 'sites.id')
        .where('threads.uri', 'in', uris.length ? uris : [''])
        .as('counts'),
    )
    .where('sites.id', '=', siteId)
    .executeTakeFirst()
  if (!row) return undefined
  const { counts, ...site } = row
  const parsed = (typeof counts === 'string' ? JSON.parse(counts) : counts) as Record<string, number> | null
  return { site: site as SiteRow, counts: new Map(Object.entries(parsed ?? {}).map(([k, v]) => [k, Number(v)])) }
}

export async function countsByUris(
  db: Executor,
  siteId: string,
  uris: string[],
): Promise<Map<string, number>> {
  if (uris.length === 0) return new Map()
  const rows = await db
    .selectFrom('threads')
    .select(['uri', liveCommentCount('threads').as('comment_count')])
    .where('site_id', '=', siteId)
    .where('uri', 'in', uris)
    .execute()
  return new Map(rows.map((r) => [r.uri, r.comment_count]))
}
