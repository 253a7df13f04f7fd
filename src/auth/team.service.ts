import { z } from 'zod'
import type { Role } from '../../db/schema.js'
import { moderatorInvite } from '../../emails/index.js'
import type { Executor } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { AppError, forbidden, notFound } from '../errors.js'
import { newId } from '../lib/ids.js'
import { assertAdmin } from '../moderation/access.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { enqueueMail } from '../notifications/outbox.js'
import { TOKEN_TTL_MS } from '../notifications/tokens.js'
import { normaliseEmail } from '../privacy/keys.js'
import { requireSite } from '../sites/site.service.js'
import { setPasswordUrl } from './invite.service.js'
import { FAILURE_MEMORY_MS } from './login-limit.js'
import {
  countSiteRolesByUser,
  deleteSiteRole,
  findSiteRole,
  findTeamBySite,
  insertSiteRoles,
  lockSiteAdmins,
  lockUserById,
  type TeamRow,
} from './role.repository.js'
import { countLoginFailuresByEmails, deleteLoginFailuresByEmail, deleteUserById, insertUser } from './user.repository.js'

/**
 * A site's team (issue 10: roles belong to a site). Admins of the site add people (an existing
 * user, or a new address invited with a single-use set-password link), change their role on
 * this site, and remove them from it; nothing here touches a role on any other site. Users of
 * every site (a global role) are on every team; their global role is the operator's (CLI), so a
 * site's team may raise a moderator of every site to admin of this site, and nothing more.
 * You cannot change or remove yourself: an admin acting on a team always stays its admin, so a
 * site never loses its last admin through its own team (an admin of every site may remove it:
 * they administer it anyway). The desk and the API (`/api/mod/sites/:site/team`) share this.
 */

export const teamRoleSchema = z.enum(['admin', 'moderator'], 'must be "admin" or "moderator"')
export const addMemberSchema = z.object({
  email: z.email('must be a valid email address').max(254, 'must be at most 254 characters'),
  role: teamRoleSchema.default('moderator'),
})
export const patchMemberSchema = z.object({ role: teamRoleSchema })

/** A team member as the API shows them. */
export interface TeamMember {
  userId: string
  email: string
  /** Their role on this site (a global role counts; the higher one wins). */
  role: Role
  /** They hold a role on every site (changed only by the operator, with the CLI). */
  everySite: boolean
}

/** What the desk shows besides: a pending invite, and failed sign-ins (the lock it may clear). */
export interface TeamMemberView extends TeamMember {
  name: string
  invited: boolean
  globalRole: Role | null
  failedSignIns: number
}

export function toTeamMember(r: TeamRow): TeamMember {
  const role: Role = r.global_role === 'admin' || r.site_role === 'admin' ? 'admin' : 'moderator'
  return { userId: r.id, email: r.email, role, everySite: r.global_role !== null }
}

/** Only the API's fields (the desk's extras stay on the desk). */
export function toTeamMemberJson(m: TeamMember): TeamMember {
  return { userId: m.userId, email: m.email, role: m.role, everySite: m.everySite }
}

async function audit(db: Executor, m: ModeratorIdentity, siteId: string, action: string, details: Record<string, unknown>, now: Date) {
  await insertAuditEntry(db, { siteId, commentId: null, actor: { id: m.id, email: m.email }, action, from: null, to: null, reason: null, details, at: now })
}

/** Admin of the site (403 otherwise, as every site route), and the site exists (404). */
async function adminOf(deps: Deps, m: ModeratorIdentity, siteId: string) {
  assertAdmin(m, siteId)
  return requireSite(deps.db, siteId)
}

export async function listTeam(deps: Deps, m: ModeratorIdentity, siteId: string): Promise<TeamMemberView[]> {
  await adminOf(deps, m, siteId)
  const rows = await findTeamBySite(deps.db, siteId)
  const since = new Date(deps.clock.now().getTime() - FAILURE_MEMORY_MS)
  const failures = await countLoginFailuresByEmails(deps.db, rows.map((r) => r.email), since)
  return rows.map((r) => ({
    ...toTeamMember(r),
    name: r.name,
    invited: r.password_hash === null,
    globalRole: r.global_role,
    failedSignIns: failures.get(r.email) ?? 0,
  }))
}

/**
 * Re-checks, inside the change's transaction and with the site's admin rows locked, that the
 * actor still administers the site (their identity was read at the start of the request): two
 * admins demoting each other at once cannot both succeed.
 */
async function stillAdmin(trx: Executor, m: ModeratorIdentity, siteId: string): Promise<void> {
  const admins = await lockSiteAdmins(trx, siteId)
  if (m.globalRole !== 'admin' && !admins.includes(m.id)) throw forbidden('Only an admin of this site may do that.')
}

/** The member a change is about, locked: 404 when not on this site's team. */
async function lockMember(trx: Executor, m: ModeratorIdentity, siteId: string, userId: string, what: 'role' | 'remove' | 'unlock') {
  const user = await lockUserById(trx, userId)
  const own = user ? await findSiteRole(trx, siteId, user.id) : undefined
  if (!user || (!own && user.global_role === null)) throw notFound('No such member of this site’s team.')
  if (what === 'unlock') {
    // A lock is no power: an admin may clear their own, and any member's of this site, except an
    // every-site user's, which belongs to an admin of every site.
    if (user.global_role !== null && user.id !== m.id) assertAdmin(m, null)
  } else {
    if (user.id === m.id) throw forbidden('You cannot change your own role or remove yourself; another admin of the site can.')
    if (user.global_role === 'admin') throw forbidden(`${user.email} is an admin of every site; only the operator changes that (npm run parley -- user role).`)
    if (user.global_role === 'moderator' && what === 'remove')
      throw forbidden(`${user.email} moderates every site; only the operator changes that (npm run parley -- user role).`)
  }
  return { user, siteRole: own?.role ?? null }
}

/**
 * Adds someone to the site's team with a role on this site. An existing user (of other sites)
 * gains this site; a new address becomes a user of this site only, with no password, and gets
 * an invite (same transaction) whose set-password link is also returned to the admin.
 */
export async function addTeamMember(
  deps: Deps,
  m: ModeratorIdentity,
  siteId: string,
  input: z.infer<typeof addMemberSchema>,
): Promise<{ member: TeamMember; invited: boolean; setPasswordUrl: string | null }> {
  const site = await adminOf(deps, m, siteId)
  const email = normaliseEmail(input.email)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    await stillAdmin(trx, m, siteId)
    const existing = await trx.selectFrom('users').select(['id', 'global_role']).where('email', '=', email).forUpdate().executeTakeFirst()
    if (existing) {
      if (existing.global_role !== null || (await findSiteRole(trx, siteId, existing.id)))
        throw new AppError('duplicate', 409, `${email} is already on the team of ${site.name}; change their role instead.`)
      await insertSiteRoles(trx, existing.id, [siteId], input.role, now)
      await audit(trx, m, siteId, 'user_invite', { userId: existing.id, role: input.role, existing: true }, now)
      deps.log.info('team member added', { site: siteId, user: existing.id })
      return { member: { userId: existing.id, email, role: input.role, everySite: false }, invited: false, setPasswordUrl: null }
    }
    const id = newId()
    await insertUser(trx, { id, email, name: '', passwordHash: null, globalRole: null, now })
    await insertSiteRoles(trx, id, [siteId], input.role, now)
    const link = await setPasswordUrl(deps, { id, password_hash: null })
    const mail = moderatorInvite({
      siteName: site.name,
      role: input.role,
      invitedBy: m.email,
      setPasswordUrl: link,
      expiresAt: new Date(now.getTime() + TOKEN_TTL_MS.set_password!),
    })
    await enqueueMail(trx, deps, { kind: 'moderator_invite', siteId, to: email, ...mail, headers: { 'Auto-Submitted': 'auto-generated' } })
    await audit(trx, m, siteId, 'user_invite', { userId: id, role: input.role }, now)
    deps.log.info('moderator invited', { site: siteId, user: id })
    return { member: { userId: id, email, role: input.role, everySite: false }, invited: true, setPasswordUrl: link }
  })
}

/** Sets a member's role on this site only; their next request sees it. */
export async function changeTeamRole(deps: Deps, m: ModeratorIdentity, siteId: string, userId: string, role: Role): Promise<TeamMember> {
  await adminOf(deps, m, siteId)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    await stillAdmin(trx, m, siteId)
    const { user, siteRole } = await lockMember(trx, m, siteId, userId, 'role')
    const before: Role = user.global_role === 'admin' || siteRole === 'admin' ? 'admin' : 'moderator'
    if (before !== role) {
      if (user.global_role === 'moderator' && role === 'moderator') await deleteSiteRole(trx, siteId, user.id)
      else await insertSiteRoles(trx, user.id, [siteId], role, now)
      await audit(trx, m, siteId, 'user_role', { userId: user.id, from: before, to: role }, now)
    }
    return { userId: user.id, email: user.email, role, everySite: user.global_role !== null }
  })
}

/**
 * Takes this site away from a member; their roles elsewhere (and their sessions there) stay.
 * A user left with no role anywhere is deleted, sessions and all.
 */
export async function removeTeamMember(deps: Deps, m: ModeratorIdentity, siteId: string, userId: string): Promise<void> {
  await adminOf(deps, m, siteId)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await stillAdmin(trx, m, siteId)
    const { user, siteRole } = await lockMember(trx, m, siteId, userId, 'remove')
    await deleteSiteRole(trx, siteId, user.id)
    const left = await countSiteRolesByUser(trx, user.id)
    if (left === 0 && user.global_role === null) await deleteUserById(trx, user.id)
    await audit(trx, m, siteId, 'user_remove', { userId: user.id, role: siteRole, deleted: left === 0 }, now)
  })
}

/** Clears a team member's sign-in lock (their failed sign-ins from every address). */
export async function clearTeamSignInLock(deps: Deps, m: ModeratorIdentity, siteId: string, userId: string): Promise<{ email: string; cleared: number }> {
  await adminOf(deps, m, siteId)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const { user } = await lockMember(trx, m, siteId, userId, 'unlock')
    const cleared = await deleteLoginFailuresByEmail(trx, user.email)
    await audit(trx, m, siteId, 'user_unlock', { userId: user.id, cleared }, now)
    return { email: user.email, cleared }
  })
}

/*
 * The operator's commands (CLI): no actor, no per-site limits; site changes are audited on the
 * site with the system as actor and `details.via = "cli"`.
 */

async function auditCli(db: Executor, siteId: string, action: string, details: Record<string, unknown>, now: Date) {
  await insertAuditEntry(db, { siteId, commentId: null, actor: null, action, from: null, to: null, reason: null, details: { ...details, via: 'cli' }, at: now })
}

/** Gives an existing user a role on each of these sites (`user add … --site`, `user role … --site`). */
export async function setSiteRolesByOperator(deps: Deps, email: string, sites: string[], role: Role): Promise<{ id: string; email: string }> {
  const now = deps.clock.now()
  for (const s of sites) await requireSite(deps.db, s)
  return deps.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'email']).where('email', '=', normaliseEmail(email)).forUpdate().executeTakeFirst()
    if (!user) throw notFound(`No user with email ${normaliseEmail(email)}.`)
    for (const s of sites) {
      const before = await findSiteRole(trx, s, user.id)
      if (before?.role === role) continue
      await insertSiteRoles(trx, user.id, [s], role, now)
      await auditCli(trx, s, before ? 'user_role' : 'user_invite', before ? { userId: user.id, from: before.role, to: role } : { userId: user.id, role, existing: true }, now)
    }
    return user
  })
}

/** Sets (or, with null, ends) a user's role on every site (`user role` without `--site`). */
export async function setGlobalRoleByOperator(deps: Deps, email: string, role: Role | null): Promise<{ id: string; email: string }> {
  const user = await deps.db.selectFrom('users').select(['id', 'email']).where('email', '=', normaliseEmail(email)).executeTakeFirst()
  if (!user) throw notFound(`No user with email ${normaliseEmail(email)}.`)
  await deps.db.updateTable('users').set({ global_role: role }).where('id', '=', user.id).execute()
  return user
}

/** Takes one site away from a user (`user remove --site`); a user left with no role is deleted. */
export async function removeFromSiteByOperator(deps: Deps, email: string, siteId: string): Promise<{ email: string; deleted: boolean }> {
  const now = deps.clock.now()
  await requireSite(deps.db, siteId)
  return deps.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'email', 'global_role']).where('email', '=', normaliseEmail(email)).forUpdate().executeTakeFirst()
    if (!user) throw notFound(`No user with email ${normaliseEmail(email)}.`)
    const own = await findSiteRole(trx, siteId, user.id)
    if (!own) throw notFound(`${user.email} has no role of their own on ${siteId}${user.global_role ? ` (they are ${user.global_role} of every site: npm run parley -- user role)` : ''}.`)
    await deleteSiteRole(trx, siteId, user.id)
    const deleted = user.global_role === null && (await countSiteRolesByUser(trx, user.id)) === 0
    if (deleted) await deleteUserById(trx, user.id)
    await auditCli(trx, siteId, 'user_remove', { userId: user.id, role: own.role, deleted }, now)
    return { email: user.email, deleted }
  })
}
