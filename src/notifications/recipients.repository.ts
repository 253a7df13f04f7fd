import { sql } from 'kysely'
import type { Executor } from '../db/index.js'

/** The site's team: everyone with a role on it (its own, or one on every site). */
export async function findModeratorAddresses(db: Executor, siteId: string): Promise<string[]> {
  const rows = await findUsersOfSite(db, siteId)
  return rows.map((r) => r.email).sort()
}

/** The users with a role on the site, with the sites they work on (null = every site). */
export async function findUsersOfSite(db: Executor, siteId: string): Promise<{ id: string; email: string; sites: string[] | null }[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('site_roles', (j) => j.onRef('site_roles.user_id', '=', 'users.id').on('site_roles.site_id', '=', siteId))
    .select((eb) => [
      'users.id',
      'users.email',
      'users.global_role',
      eb
        .selectFrom('site_roles as all_roles')
        .select(sql<unknown>`jsonb_agg(all_roles.site_id)`.as('s'))
        .whereRef('all_roles.user_id', '=', 'users.id')
        .as('sites'),
    ])
    .where((eb) => eb.or([eb('users.global_role', 'is not', null), eb('site_roles.role', 'is not', null)]))
    .orderBy('users.email')
    .execute()
  return rows.map((r) => {
    const sites = typeof r.sites === 'string' ? (JSON.parse(r.sites) as string[]) : ((r.sites as string[] | null) ?? [])
    return { id: r.id, email: r.email, sites: r.global_role !== null ? null : sites }
  })
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
