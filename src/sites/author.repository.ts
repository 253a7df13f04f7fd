import type { Selectable } from 'kysely'
import type { SiteAuthorsTable } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

export type AuthorRow = Selectable<SiteAuthorsTable>

export function findAuthorsBySite(db: Executor, siteId: string): Promise<AuthorRow[]> {
  return db.selectFrom('site_authors').selectAll().where('site_id', '=', siteId).orderBy('handle').execute()
}

export function findAuthor(db: Executor, siteId: string, handle: string): Promise<AuthorRow | undefined> {
  return db.selectFrom('site_authors').selectAll().where('site_id', '=', siteId).where('handle', '=', handle).executeTakeFirst()
}

export async function insertAuthor(
  db: Executor,
  a: { siteId: string; handle: string; name: string; email: string; notify: boolean; now: Date },
): Promise<void> {
  await db
    .insertInto('site_authors')
    .values({ site_id: a.siteId, handle: a.handle, name: a.name, email: a.email, notify: a.notify, created_at: a.now })
    .execute()
}

export async function updateAuthor(
  db: Executor,
  siteId: string,
  handle: string,
  u: { name?: string | undefined; email?: string | undefined; notify?: boolean | undefined },
): Promise<void> {
  const set = Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined))
  if (Object.keys(set).length === 0) return
  await db.updateTable('site_authors').set(set).where('site_id', '=', siteId).where('handle', '=', handle).execute()
}

export async function deleteAuthor(db: Executor, siteId: string, handle: string): Promise<void> {
  await db.deleteFrom('site_authors').where('site_id', '=', siteId).where('handle', '=', handle).execute()
}
