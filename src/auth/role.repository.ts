import type { Role } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

/** Site roles (site_roles): a user's role on one site. One query each. */

export interface TeamRow {
  id: string
  email: string
  name: string
  password_hash: string | null
  global_role: Role | null
  /** The role on this site's own row (null: only through the global role). */
  site_role: Role | null
}

/** A JSON aggregate as postgres.js or PGlite hand it back (parsed, or still text). */
export function parseRoleMap(v: unknown): Record<string, Role> {
  const o = typeof v === 'string' ? (JSON.parse(v) as unknown) : v
  const out: Record<string, Role> = {}
  if (o && typeof o === 'object' && !Array.isArray(o))
    for (const [k, r] of Object.entries(o)) if (r === 'admin' || r === 'moderator') out[k] = r
  return out
}

export async function findSiteRolesByUser(db: Executor, userId: string): Promise<Record<string, Role>> {
  const rows = await db.selectFrom('site_roles').select(['site_id', 'role']).where('user_id', '=', userId).execute()
  return Object.fromEntries(rows.map((r) => [r.site_id, r.role]))
}

/** Every site role of every user (the CLI's `user list`), by user id. */
export async function findAllSiteRoles(db: Executor): Promise<Map<string, Record<string, Role>>> {
  const rows = await db.selectFrom('site_roles').select(['user_id', 'site_id', 'role']).orderBy('site_id').execute()
  const out = new Map<string, Record<string, Role>>()
  for (const r of rows) {
    const m = out.get(r.user_id) ?? {}
    m[r.site_id] = r.role
    out.set(r.user_id, m)
  }
  return out
}

export function findSiteRole(db: Executor, siteId: string, userId: string): Promise<{ role: Role } | undefined> {
  return db.selectFrom('site_roles').select('role').where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst()
}

/** The site's team: users with a role on it, and users of every site. Ordered by email. */
export function findTeamBySite(db: Executor, siteId: string): Promise<TeamRow[]> {
  return db
    .selectFrom('users')
    .leftJoin('site_roles', (j) => j.onRef('site_roles.user_id', '=', 'users.id').on('site_roles.site_id', '=', siteId))
    .select(['users.id', 'users.email', 'users.name', 'users.password_hash', 'users.global_role', 'site_roles.role as site_role'])
    .where((eb) => eb.or([eb('users.global_role', 'is not', null), eb('site_roles.role', 'is not', null)]))
    .orderBy('users.email')
    .execute()
}

export async function insertSiteRoles(db: Executor, userId: string, siteIds: string[], role: Role, now: Date): Promise<void> {
  if (siteIds.length === 0) return
  await db
    .insertInto('site_roles')
    .values(siteIds.map((site_id) => ({ site_id, user_id: userId, role, created_at: now })))
    .onConflict((oc) => oc.columns(['site_id', 'user_id']).doUpdateSet({ role }))
    .execute()
}

export async function updateSiteRole(db: Executor, siteId: string, userId: string, role: Role): Promise<void> {
  await db.updateTable('site_roles').set({ role }).where('site_id', '=', siteId).where('user_id', '=', userId).execute()
}

export async function deleteSiteRole(db: Executor, siteId: string, userId: string): Promise<void> {
  await db.deleteFrom('site_roles').where('site_id', '=', siteId).where('user_id', '=', userId).execute()
}

export async function countSiteRolesByUser(db: Executor, userId: string): Promise<number> {
  const r = await db.selectFrom('site_roles').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * Locks the site's admin rows for the rest of the transaction and answers their user ids: two
 * admins changing each other at once are serialised, and the second sees the first's change.
 */
export async function lockSiteAdmins(db: Executor, siteId: string): Promise<string[]> {
  const rows = await db.selectFrom('site_roles').select('user_id').where('site_id', '=', siteId).where('role', '=', 'admin').forUpdate().execute()
  return rows.map((r) => r.user_id)
}

/** Locks one user's row for the rest of the transaction (their roles are about to change). */
export function lockUserById(db: Executor, userId: string): Promise<{ id: string; email: string; global_role: Role | null } | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'global_role']).where('id', '=', userId).forUpdate().executeTakeFirst()
}

/** Addresses of the site's team (global roles included), for "moderation needed" mail. */
export async function findTeamAddresses(db: Executor, siteId: string): Promise<string[]> {
  return (await findTeamBySite(db, siteId)).map((r) => r.email)
}
