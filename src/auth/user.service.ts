import type { Role, UserRow } from '../../db/schema.js'
import type { Executor } from '../db/index.js'
import type { Deps } from '../deps.js'
import { AppError, notFound, rateLimited, validationFailed } from '../errors.js'
import { newId, newToken } from '../lib/ids.js'
import { normaliseEmail } from '../privacy/keys.js'
import { getSite } from '../sites/site.service.js'
import { highestRole, identityOf } from '../moderation/access.js'
import { ADDRESS_WINDOW_MS, FAILURE_MEMORY_MS, loginGate, PAIR_WINDOW_MS } from './login-limit.js'
import type { PasswordHasher } from './passwords.js'
import { findSiteRolesByUser, insertSiteRoles } from './role.repository.js'
import {
  countLoginFailuresByAddress,
  deleteLoginFailuresBefore,
  deleteLoginFailuresByEmail,
  deleteLoginFailuresByEmailAndAddress,
  deleteUserById,
  findUserByEmail,
  findUserById,
  insertLoginFailure,
  insertUser,
  updateUserPassword,
} from './user.repository.js'

export const MIN_PASSWORD_LENGTH = 10

/**
 * The user as the moderator API shows it (never the hash). Roles belong to a site: `globalRole`
 * (every site) and `siteRoles` (site → role) say it all; `role` (the highest role held anywhere)
 * and `sites` (null = every site) are kept for clients written before per-site roles.
 */
export interface PublicUser {
  id: string
  email: string
  name: string
  role: Role
  sites: string[] | null
  globalRole: Role | null
  siteRoles: Record<string, Role>
  createdAt: string
}

export function toPublicUser(u: UserRow, siteRoles: Record<string, Role>): PublicUser {
  const m = identityOf({ id: u.id, email: u.email, globalRole: u.global_role, siteRoles })
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: highestRole(m),
    sites: m.sites,
    globalRole: m.globalRole,
    siteRoles: m.siteRoles,
    createdAt: new Date(u.created_at).toISOString(),
  }
}

/** A user as the API shows them, roles read from the database. */
export async function publicUserById(db: Executor, id: string): Promise<PublicUser | null> {
  const u = await findUserById(db, id)
  return u ? toPublicUser(u, await findSiteRolesByUser(db, id)) : null
}

export function generatePassword(): string {
  return newToken().slice(0, 24)
}

export async function createUser(
  db: Executor,
  passwords: PasswordHasher,
  input: { email: string; password: string; role: Role; sites: string[] | null; name?: string },
  now: Date,
): Promise<UserRow> {
  const email = normaliseEmail(input.email)
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw validationFailed([{ path: 'email', message: 'must be a valid email address' }])
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw validationFailed([{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }])
  const sites = input.sites && input.sites.length ? [...new Set(input.sites)] : null
  if (sites) {
    for (const s of sites) if (!(await getSite(db, s))) throw notFound(`No site "${s}".`)
  }
  if (await findUserByEmail(db, email)) throw new AppError('duplicate', 409, `A user with email ${email} already exists.`)
  const id = newId()
  const hash = await passwords.hash(input.password)
  // Without sites: that role on every site; with sites: that role on each of them.
  const write = async (trx: Executor) => {
    await insertUser(trx, { id, email, name: input.name ?? '', passwordHash: hash, globalRole: sites ? null : input.role, now })
    if (sites) await insertSiteRoles(trx, id, sites, input.role, now)
  }
  await (db.isTransaction ? write(db) : db.transaction().execute(write))
  return (await findUserById(db, id))!
}

export async function requireUserByEmail(db: Executor, email: string): Promise<UserRow> {
  const user = await findUserByEmail(db, normaliseEmail(email))
  if (!user) throw notFound(`No user with email ${normaliseEmail(email)}.`)
  return user
}

/** Sets a new password: the user's sessions end and their sign-in lock is cleared. */
export async function resetPassword(db: Executor, passwords: PasswordHasher, email: string, password: string): Promise<UserRow> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw validationFailed([{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }])
  const user = await requireUserByEmail(db, email)
  await updateUserPassword(db, user.id, await passwords.hash(password))
  // A new password ends every session the old one opened.
  await db.deleteFrom('sessions').where('user_id', '=', user.id).execute()
  await deleteLoginFailuresByEmail(db, user.email)
  return user
}

/** Lifts a user's sign-in lock from every address; answers how many failures were forgotten. */
export async function clearSignInLock(db: Executor, email: string): Promise<number> {
  return deleteLoginFailuresByEmail(db, normaliseEmail(email))
}

export async function removeUser(db: Executor, email: string): Promise<UserRow> {
  const user = await requireUserByEmail(db, email)
  await deleteUserById(db, user.id)
  return user
}

// Verified against for unknown users, so both failures cost the same time. One per hasher.
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>()
function dummyHash(passwords: PasswordHasher): Promise<string> {
  let h = dummyHashes.get(passwords)
  if (!h) dummyHashes.set(passwords, (h = passwords.hash(newToken())))
  return h
}

const badCredentials = () => new AppError('unauthenticated', 401, 'The email or password is not right.')

/** The address key failures are counted under; a request with no known address shares one. */
async function addressKey(deps: Deps, ip: string | null): Promise<string> {
  return ip ? deps.keys.ipKey(ip) : 'unknown'
}

/**
 * Checks email + password. Unknown user and wrong password answer the same 401, after the
 * same work and with the same limits (failures are counted by the normalised email either way).
 * Limits (login-limit.ts): 5 failures for one account from one address within 15 minutes lock
 * that pair; an address failing across accounts waits longer and longer; an address that has
 * not failed for this account is never refused its right password.
 */
export async function verifyLogin(deps: Deps, input: { email: string; password: string }, ip: string | null): Promise<UserRow> {
  const email = normaliseEmail(input.email)
  const now = deps.clock.now()
  const t = now.getTime()
  const ipKey = await addressKey(deps, ip)
  const counts = await countLoginFailuresByAddress(deps.db, {
    email,
    ipKey,
    pairSince: new Date(t - PAIR_WINDOW_MS),
    rememberSince: new Date(t - FAILURE_MEMORY_MS),
    addressSince: new Date(t - ADDRESS_WINDOW_MS),
  })
  const gate = loginGate(counts, now)
  if (gate.kind === 'locked') throw rateLimited(gate.retryAfterS, 'Too many failed sign-ins; try again later.')
  const user = await findUserByEmail(deps.db, email)
  const ok = await deps.passwords.verify(user?.password_hash ?? (await dummyHash(deps.passwords)), input.password)
  if (!user || !user.password_hash || !ok) {
    await insertLoginFailure(deps.db, { email, ipKey, at: now })
    deps.log.info('login failed', { known: Boolean(user) })
    if (gate.kind === 'slowed') throw rateLimited(gate.retryAfterS, 'Too many failed sign-ins; try again later.')
    throw badCredentials()
  }
  await deleteLoginFailuresByEmailAndAddress(deps.db, email, ipKey)
  await deleteLoginFailuresBefore(deps.db, new Date(t - FAILURE_MEMORY_MS))
  return user
}
