import { z } from 'zod'
import type { Role, UserRow } from '../../db/schema.js'
import { moderatorInvite } from '../../emails/index.js'
import type { Executor } from '../db/index.js'
import { jsonb } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { AppError, forbidden, notFound, validationFailed } from '../errors.js'
import { newId, sha256Hex } from '../lib/ids.js'
import { assertAdmin, canAccessSite } from '../moderation/access.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { enqueueMail } from '../notifications/outbox.js'
import { signToken, TOKEN_TTL_MS, verifyToken } from '../notifications/tokens.js'
import { normaliseEmail } from '../privacy/keys.js'
import { requireSite } from '../sites/site.service.js'
import { FAILURE_MEMORY_MS } from './login-limit.js'
import {
  countLoginFailuresByEmails,
  deleteLoginFailuresByEmail,
  deleteUserById,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  updateUserPassword,
} from './user.repository.js'
import { MIN_PASSWORD_LENGTH, toPublicUser, type PublicUser } from './user.service.js'

/**
 * Moderators of a site as its admins manage them: invite by email (a user with no password and
 * a single-use set-password link), change role, remove. The CLI does the same for operators.
 */

export const inviteSchema = z.object({
  email: z.email('must be a valid email address').max(254),
  role: z.enum(['admin', 'moderator']).default('moderator'),
})

/** Names the password a set-password link replaces, so the link works once. */
export function passwordVersion(hash: string | null): string {
  return sha256Hex(hash ?? 'unset').slice(0, 16)
}

export async function setPasswordUrl(deps: Deps, user: Pick<UserRow, 'id' | 'password_hash'>): Promise<string> {
  const token = await signToken(deps.keys, 'set_password', { user: user.id, v: passwordVersion(user.password_hash) }, deps.clock.now())
  return `${deps.config.publicUrl}/mod/set-password?token=${token}`
}

/** The moderators and admins who may work on a site (every-site users included). */
export async function listSiteModerators(deps: Deps, m: ModeratorIdentity, siteId: string): Promise<(PublicUser & { failedSignIns: number })[]> {
  assertAdmin(m, siteId)
  const users = (await listUsers(deps.db)).filter((u) => u.sites === null || (u.sites ?? []).includes(siteId))
  const since = new Date(deps.clock.now().getTime() - FAILURE_MEMORY_MS)
  const failures = await countLoginFailuresByEmails(deps.db, users.map((u) => u.email), since)
  return users.map((u) => ({ ...toPublicUser(u), failedSignIns: failures.get(u.email) ?? 0 }))
}

async function audit(db: Executor, m: ModeratorIdentity, siteId: string, action: string, details: Record<string, unknown>, now: Date) {
  await insertAuditEntry(db, { siteId, commentId: null, actor: { id: m.id, email: m.email }, action, from: null, to: null, reason: null, details, at: now })
}

/**
 * Invites someone to moderate a site. A new address becomes a user limited to this site, with
 * no password, and gets an email (same transaction) with a set-password link, which is also
 * returned so the admin can hand it over. An existing user limited to other sites gains this one.
 */
export async function inviteModerator(
  deps: Deps,
  m: ModeratorIdentity,
  siteId: string,
  input: z.infer<typeof inviteSchema>,
): Promise<{ user: PublicUser; link: string | null; created: boolean }> {
  assertAdmin(m, siteId)
  const site = await requireSite(deps.db, siteId)
  const email = normaliseEmail(input.email)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const existing = await findUserByEmail(trx, email)
    if (existing) {
      if (existing.sites === null || (existing.sites ?? []).includes(siteId))
        throw new AppError('duplicate', 409, `${email} already moderates ${site.name}.`)
      await trx.updateTable('users').set({ sites: jsonb([...(existing.sites ?? []), siteId]) }).where('id', '=', existing.id).execute()
      await audit(trx, m, siteId, 'user_invite', { userId: existing.id, role: existing.role, existing: true }, now)
      return { user: toPublicUser((await findUserById(trx, existing.id))!), link: null, created: false }
    }
    const id = newId()
    await insertUser(trx, { id, email, name: '', passwordHash: null, role: input.role, sites: [siteId], now })
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
    return { user: toPublicUser((await findUserById(trx, id))!), link, created: true }
  })
}

async function requireSiteUser(db: Executor, m: ModeratorIdentity, siteId: string, userId: string, opts: { self?: boolean } = {}): Promise<UserRow> {
  const user = await findUserById(db, userId)
  if (!user || !canAccessSite({ ...m, sites: user.sites ?? null }, siteId)) throw notFound('No such moderator on this site.')
  if (user.id === m.id && !opts.self) throw forbidden('You cannot change your own account here.')
  // A user of every site is changed by an admin of every site only.
  if (user.sites === null) assertAdmin(m, null)
  return user
}

export async function changeModeratorRole(deps: Deps, m: ModeratorIdentity, siteId: string, userId: string, role: Role): Promise<void> {
  assertAdmin(m, siteId)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const user = await requireSiteUser(trx, m, siteId, userId)
    if (user.role === role) return
    await trx.updateTable('users').set({ role }).where('id', '=', user.id).execute()
    await audit(trx, m, siteId, 'user_role', { userId: user.id, from: user.role, to: role }, now)
  })
}

/** Takes the site away from a user; a user left with no site (or of every site) is removed, sessions and all. */
export async function removeModerator(deps: Deps, m: ModeratorIdentity, siteId: string, userId: string): Promise<void> {
  assertAdmin(m, siteId)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const user = await requireSiteUser(trx, m, siteId, userId)
    const rest = (user.sites ?? []).filter((s) => s !== siteId)
    if (user.sites !== null && rest.length) {
      await trx.updateTable('users').set({ sites: jsonb(rest) }).where('id', '=', user.id).execute()
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute()
    } else await deleteUserById(trx, user.id)
    await audit(trx, m, siteId, 'user_remove', { userId: user.id }, now)
  })
}

/** Clears a team member's sign-in lock (their failed sign-ins from every address). */
export async function clearModeratorSignInLock(deps: Deps, m: ModeratorIdentity, siteId: string, userId: string): Promise<{ email: string; cleared: number }> {
  assertAdmin(m, siteId)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireSiteUser(trx, m, siteId, userId, { self: true })
    const cleared = await deleteLoginFailuresByEmail(trx, user.email)
    await audit(trx, m, siteId, 'user_unlock', { userId: user.id, cleared }, now)
    return { email: user.email, cleared }
  })
}

/** The user a set-password link is for, while it is valid (unexpired, untampered, unused). */
export async function userForPasswordToken(deps: Deps, token: string | undefined): Promise<UserRow | null> {
  const s = await verifyToken(deps.keys, 'set_password', token, deps.clock.now())
  if (!s) return null
  const user = await findUserById(deps.db, s.user)
  return user && passwordVersion(user.password_hash) === s.v ? user : null
}

/** Sets the password a link was made for; the link then stops working and old sessions end. */
export async function setPasswordWithToken(deps: Deps, token: string | undefined, password: string): Promise<UserRow | null> {
  const user = await userForPasswordToken(deps, token)
  if (!user) return null
  if (password.length < MIN_PASSWORD_LENGTH)
    throw validationFailed([{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }])
  if (password.length > 1000) throw validationFailed([{ path: 'password', message: 'is too long' }])
  const hash = await deps.passwords.hash(password)
  const changed = await deps.db.transaction().execute(async (trx) => {
    // Locked and re-checked: two posts of one link cannot both set a password.
    const row = await trx.selectFrom('users').select(['id', 'password_hash']).where('id', '=', user.id).forUpdate().executeTakeFirst()
    if (!row || row.password_hash !== user.password_hash) return false
    await updateUserPassword(trx, user.id, hash)
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute()
    return true
  })
  return changed ? user : null
}
