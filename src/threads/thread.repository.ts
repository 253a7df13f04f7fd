import { sql } from 'kysely'
import type { Executor } from '../db/index.js'
import type { ThreadRow } from '../../db/schema.js'
import { newId } from '../lib/ids.js'

export function findThreadBySiteUri(db: Executor, siteId: string, uri: string): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('site_id', '=', siteId).where('uri', '=', uri).executeTakeFirst()
}

export function findThreadById(db: Executor, id: string): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Finds or creates the thread; a title fills an empty one but never overwrites. */
export async function upsertThread(
  db: Executor,
  t: { siteId: string; uri: string; title: string; now: Date },
): Promise<ThreadRow> {
  return db
    .insertInto('threads')
    .values({
      id: newId(),
      site_id: t.siteId,
      uri: t.uri,
      title: t.title,
      authors: sql`'[]'::jsonb`,
      created_at: t.now,
      updated_at: t.now,
    })
    .onConflict((oc) =>
      oc.columns(['site_id', 'uri']).doUpdateSet({
        title: sql`case when threads.title = '' then excluded.title else threads.title end`,
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
