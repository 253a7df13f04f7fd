import { sql } from 'kysely'
import type { NewComment, Reason } from '../../db/schema.js'
import type { Executor } from '../db/index.js'
import { newId } from '../lib/ids.js'

/** Where a comment sits: enough to hang replies under it. */
export interface Placed {
  id: string
  depth: number
  rootId: string
  parentId: string | null
  threadId: string
}

export type ImportCommentRow = Omit<NewComment, 'reasons' | 'seq'> & { reasons: Reason[] }

/** One import per site at a time: the second waits for the first's transaction to end. */
export async function lockSiteForImport(db: Executor, siteId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`parley-import:${siteId}`}))`.execute(db)
}

/** Comments already imported from `source` with these ids, and where they sit. */
export async function findImportedBySourceIds(
  db: Executor,
  siteId: string,
  source: string,
  sourceIds: string[],
): Promise<(Placed & { sourceId: string })[]> {
  if (sourceIds.length === 0) return []
  const rows = await db
    .selectFrom('comment_imports as ci')
    .innerJoin('comments as c', 'c.id', 'ci.comment_id')
    .select(['ci.source_id', 'c.id', 'c.depth', 'c.root_id', 'c.parent_id', 'c.thread_id'])
    .where('ci.site_id', '=', siteId)
    .where('ci.source', '=', source)
    .where('ci.source_id', 'in', sourceIds)
    .execute()
  return rows.map((r) => ({ sourceId: r.source_id, id: r.id, depth: r.depth, rootId: r.root_id, parentId: r.parent_id, threadId: r.thread_id }))
}

export async function findPlacedById(db: Executor, id: string): Promise<Placed | undefined> {
  const r = await db.selectFrom('comments').select(['id', 'depth', 'root_id', 'parent_id', 'thread_id']).where('id', '=', id).executeTakeFirst()
  return r && { id: r.id, depth: r.depth, rootId: r.root_id, parentId: r.parent_id, threadId: r.thread_id }
}

/** Which of these comment ids are taken (a Parley export keeps its ids where it can). */
export async function findTakenCommentIds(db: Executor, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('comments').select('id').where('id', 'in', ids).execute()
  return new Set(rows.map((r) => r.id))
}

// Column → the SQL type its text form is cast to (everything travels as one text[] per column).
const COMMENT_COLUMNS: [keyof ImportCommentRow, string][] = [
  ['id', 'text'], ['site_id', 'text'], ['thread_id', 'text'], ['parent_id', 'text'], ['root_id', 'text'],
  ['depth', 'integer'], ['status', 'text'], ['body_md', 'text'], ['body_html', 'text'], ['author_name', 'text'],
  ['author_email', 'text'], ['author_url', 'text'], ['email_key', 'text'], ['avatar_key', 'text'], ['ip_key', 'text'],
  ['user_agent', 'text'], ['user_id', 'text'], ['edit_token_hash', 'text'], ['editable_until', 'timestamptz'],
  ['notify_replies', 'boolean'], ['reasons', 'jsonb'], ['open_reports', 'integer'], ['created_at', 'timestamptz'],
  ['edited_at', 'timestamptz'], ['updated_at', 'timestamptz'],
]

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'string') return v
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/**
 * Many comments in ONE statement, and the (source, source id) each came from. The rows travel
 * as one array per column through unnest(): 25 parameters instead of 25 per row, which keeps
 * parsing and binding cheap for batches of hundreds.
 */
export async function insertImportedComments(
  db: Executor,
  siteId: string,
  rows: { row: ImportCommentRow; source: string; sourceId: string }[],
): Promise<void> {
  if (rows.length === 0) return
  const columns = COMMENT_COLUMNS.map(([name, type], i) => ({ name, type, alias: `c${i}`, values: rows.map(({ row }) => asText(row[name])) }))
  await sql`
    insert into comments (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select ${sql.join(columns.map((c) => (c.type === 'text' ? sql.ref(c.alias) : sql`${sql.ref(c.alias)}::${sql.raw(c.type)}`)))}
    from unnest(${sql.join(columns.map((c) => sql`cast(${c.values} as text[])`))}) as u(${sql.join(columns.map((c) => sql.ref(c.alias)))})
  `.execute(db)
  await sql`
    insert into comment_imports (site_id, source, source_id, comment_id)
    select ${siteId}, s, i, c
    from unnest(cast(${rows.map((r) => r.source)} as text[]), cast(${rows.map((r) => r.sourceId)} as text[]), cast(${rows.map((r) => r.row.id)} as text[])) as u(s, i, c)
  `.execute(db)
}

export async function insertImportedReports(
  db: Executor,
  rows: { comment_id: string; site_id: string; reason: string; details: string | null; ip_key: string | null; created_at: Date; resolved_at: Date | null }[],
): Promise<void> {
  if (rows.length) await db.insertInto('reports').values(rows).execute()
}

export async function deleteCommentsByIds(db: Executor, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) await db.deleteFrom('comments').where('id', 'in', ids.slice(i, i + 1000)).execute()
}

export async function closeThreadById(db: Executor, id: string): Promise<void> {
  await db.updateTable('threads').set({ closed: true }).where('id', '=', id).execute()
}

export async function countThreadsBySite(db: Executor, siteId: string): Promise<number> {
  const r = await db.selectFrom('threads').select((eb) => eb.fn.countAll<string>().as('n')).where('site_id', '=', siteId).executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function insertAuthorIfMissing(
  db: Executor,
  a: { siteId: string; handle: string; name: string; email: string; notify: boolean; createdAt: Date },
): Promise<boolean> {
  const r = await db
    .insertInto('site_authors')
    .values({ site_id: a.siteId, handle: a.handle, name: a.name, email: a.email, notify: a.notify, created_at: a.createdAt })
    .onConflict((oc) => oc.columns(['site_id', 'handle']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

/** A site ban equal to one already there (same keys, reason and time) is not added twice. */
export async function insertBanIfMissing(
  db: Executor,
  b: { id: string; siteId: string; email: string | null; emailKey: string | null; ipKey: string | null; reason: string; expiresAt: Date | null; createdAt: Date },
): Promise<boolean> {
  const same = await db
    .selectFrom('bans')
    .select('id')
    .where('site_id', '=', b.siteId)
    .where(sql<boolean>`email_key is not distinct from ${b.emailKey}`)
    .where(sql<boolean>`ip_key is not distinct from ${b.ipKey}`)
    .where('reason', '=', b.reason)
    .where('created_at', '=', b.createdAt)
    .executeTakeFirst()
  if (same) return false
  const taken = await db.selectFrom('bans').select('id').where('id', '=', b.id).executeTakeFirst()
  await db
    .insertInto('bans')
    .values({
      id: taken ? newId() : b.id,
      site_id: b.siteId,
      email: b.email,
      email_key: b.emailKey,
      ip_key: b.ipKey,
      reason: b.reason,
      expires_at: b.expiresAt,
      created_by: null,
      created_at: b.createdAt,
    })
    .execute()
  return true
}
