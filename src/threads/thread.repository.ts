import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { ThreadRow, TitleSource } from '../../db/schema.js'
import { newId } from '../lib/ids.js'

export function findThreadBySiteUri(db: Executor, siteId: string, uri: string): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('site_id', '=', siteId).where('uri', '=', uri).executeTakeFirst()
}

export function findThreadById(db: Executor, id: string): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst()
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

/** Recounts approved comments and bumps the version (the ETag) in the same transaction. */
export async function refreshThread(db: Executor, threadId: string, now: Date): Promise<void> {
  await db
    .updateTable('threads')
    .set({
      comment_count: sql`(select count(*) from comments where thread_id = ${threadId} and status = 'approved')`,
      version: sql`version + 1`,
      updated_at: now,
    })
    .where('id', '=', threadId)
    .execute()
}

export async function setThreadAuthorsIfEmpty(db: Executor, threadId: string, handles: string[]): Promise<void> {
  await db
    .updateTable('threads')
    .set({ authors: sql`cast(cast(${JSON.stringify(handles)} as text) as jsonb)` })
    .where('id', '=', threadId)
    .where(sql<boolean>`authors = '[]'::jsonb`)
    .execute()
}

export async function countsByUris(
  db: Executor,
  siteId: string,
  uris: string[],
): Promise<Map<string, number>> {
  if (uris.length === 0) return new Map()
  const rows = await db
    .selectFrom('threads')
    .select(['uri', 'comment_count'])
    .where('site_id', '=', siteId)
    .where('uri', 'in', uris)
    .execute()
  return new Map(rows.map((r) => [r.uri, r.comment_count]))
}
