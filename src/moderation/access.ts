import type { Role } from '../../db/schema.js'
import type { ModeratorIdentity } from '../deps.js'
import { forbidden } from '../errors.js'

/**
 * Who may see and act on what. Roles belong to a site: on each site a user is `moderator`
 * (queues, actions, bans, threads) or `admin` (also settings, the team, article authors,
 * import/export, readers' data requests). A user with a global role (users.global_role) holds it
 * on every site; only an admin of every site may do what belongs to no site (global bans).
 * A global moderator who is also admin of one site is admin there: the higher role counts.
 */

export type RoleHolder = Pick<ModeratorIdentity, 'globalRole' | 'siteRoles'>

/** Builds the identity from a user's global role and site roles (`sites` follows from them). */
export function identityOf(u: { id: string; email: string; globalRole: Role | null; siteRoles: Record<string, Role> }): ModeratorIdentity {
  const siteRoles: Record<string, Role> = {}
  for (const [site, role] of Object.entries(u.siteRoles)) if (role === 'admin' || role === 'moderator') siteRoles[site] = role
  return { id: u.id, email: u.email, globalRole: u.globalRole, siteRoles, sites: u.globalRole ? null : Object.keys(siteRoles).sort() }
}

/** The role a user holds on one site, or null when they have none there. */
export function roleOn(m: RoleHolder, siteId: string): Role | null {
  // Own keys only: a site id like "constructor" must not find Object.prototype's.
  const site = Object.hasOwn(m.siteRoles, siteId) ? m.siteRoles[siteId]! : null
  if (m.globalRole === 'admin' || site === 'admin') return 'admin'
  return m.globalRole ?? site
}

export function canAccessSite(m: RoleHolder, siteId: string): boolean {
  return roleOn(m, siteId) !== null
}

export function isAdminOf(m: RoleHolder, siteId: string): boolean {
  return roleOn(m, siteId) === 'admin'
}

/** Admin of at least one site (the desk shows Settings and Privacy). */
export function isAdminAnywhere(m: RoleHolder): boolean {
  return m.globalRole === 'admin' || Object.values(m.siteRoles).includes('admin')
}

/** The highest role held anywhere: what `user.role` says to clients of before per-site roles. */
export function highestRole(m: RoleHolder): Role {
  return isAdminAnywhere(m) ? 'admin' : 'moderator'
}

export function assertSiteAccess(m: RoleHolder, siteId: string): void {
  if (!canAccessSite(m, siteId)) throw forbidden(`You do not moderate site "${siteId}".`)
}

/** Admin of that site, or (siteId null: something that belongs to no site) an admin of every site. */
export function assertAdmin(m: RoleHolder, siteId: string | null): void {
  if (siteId === null) {
    if (m.globalRole !== 'admin') throw forbidden('Only an admin of every site may do that.')
    return
  }
  const role = roleOn(m, siteId)
  if (role === null) throw forbidden(`You do not administer site "${siteId}".`)
  if (role !== 'admin') throw forbidden('Only an admin of this site may do that.')
}

/** The sites a query is limited to: one site (checked), the moderator's sites, or null for all. */
export function siteScope(m: ModeratorIdentity, siteId: string | undefined): string[] | null {
  if (siteId !== undefined) {
    assertSiteAccess(m, siteId)
    return [siteId]
  }
  return m.sites
}
