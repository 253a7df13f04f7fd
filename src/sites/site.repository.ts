import { jsonb, type Executor } from '../db/index.js'
import type { SiteRow } from '../../db/schema.js'

export function findSiteById(db: Executor, id: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listSites(db: Executor): Promise<SiteRow[]> {
  return db.selectFrom('sites').selectAll().orderBy('id').execute()
}

export async function insertSite(
  db: Executor,
  site: { id: string; name: string; settings: Record<string, unknown>; createdAt: Date },
): Promise<void> {
  await db
    .insertInto('sites')
    .values({ id: site.id, name: site.name, settings: jsonb(site.settings), created_at: site.createdAt })
    .execute()
}

export async function updateSiteSettings(db: Executor, id: string, settings: Record<string, unknown>): Promise<void> {
  await db.updateTable('sites').set({ settings: jsonb(settings) }).where('id', '=', id).execute()
}
