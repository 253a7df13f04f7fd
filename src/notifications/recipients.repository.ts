import { sql } from 'kysely'
import { jsonb, type Executor } from '../db/index.js'

/** Every admin, and every moderator of the site (all sites, or a list naming it). */
export async function findModeratorAddresses(db: Executor, siteId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where((eb) =>
      eb.or([eb('role', '=', 'admin'), eb('sites', 'is', null), sql<boolean>`sites @> ${jsonb([siteId])}`]),
    )
    .orderBy('email')
    .execute()
  return rows.map((r) => r.email)
}

export async function findUsersOfSite(db: Executor, siteId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'sites'])
    .where((eb) =>
      eb.or([eb('role', '=', 'admin'), eb('sites', 'is', null), sql<boolean>`sites @> ${jsonb([siteId])}`]),
    )
    .execute()
}

export async function countPending(db: Executor, siteId: string): Promise<number> {
  const r = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('site_id', '=', siteId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** The thread's registered authors who want to hear about new comments. */
export async function findNotifiedAuthors(db: Executor, siteId: string, handles: string[]) {
  if (handles.length === 0) return []
  return db
    .selectFrom('site_authors')
    .select(['handle', 'name', 'email'])
    .where('site_id', '=', siteId)
    .where('handle', 'in', handles)
    .where('notify', '=', true)
    .orderBy('handle')
    .execute()
}
