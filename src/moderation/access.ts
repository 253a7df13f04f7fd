import type { ModeratorIdentity } from '../deps.js'
import { forbidden } from '../errors.js'

/**
 * Who may see and act on what. Roles: `moderator` (queues, actions, bans, threads) and `admin`
 * (also settings, article authors, global bans). Either may be limited to some sites
 * (users.sites; null = every site).
 */
export function canAccessSite(m: ModeratorIdentity, siteId: string): boolean {
  return m.sites === null || m.sites.includes(siteId)
}

export function assertSiteAccess(m: ModeratorIdentity, siteId: string): void {
  if (!canAccessSite(m, siteId)) throw forbidden(`You do not moderate site "${siteId}".`)
}

export function assertAdmin(m: ModeratorIdentity, siteId: string | null): void {
  if (m.role !== 'admin') throw forbidden('Only an admin may do that.')
  if (siteId === null ? m.sites !== null : !canAccessSite(m, siteId))
    throw forbidden(siteId === null ? 'Only an admin of every site may do that.' : `You do not administer site "${siteId}".`)
}

/** The sites a query is limited to: one site (checked), the moderator's sites, or null for all. */
export function siteScope(m: ModeratorIdentity, siteId: string | undefined): string[] | null {
  if (siteId !== undefined) {
    assertSiteAccess(m, siteId)
    return [siteId]
  }
  return m.sites
}
