import type { Role, UserRow } from '../../db/schema.js'
import type { Executor } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { AppError, notFound, rateLimited, validationFailed } from '../errors.js'
import { newId, newToken } from '../lib/ids.js'
import { normaliseEmail } from '../privacy/keys.js'
import { getSite } from '../sites/site.service.js'
import type { PasswordHasher } from './passwords.js'
import {
  countLoginFailures,
  deleteLoginFailuresBefore,
  deleteLoginFailuresByEmail,
  deleteUserById,
  findUserByEmail,
  findUserById,
  insertLoginFailure,
  insertUser,
  updateUserPassword,
} from './user.repository.js'

export const MIN_PASSWORD_LENGTH = 10
export const LOGIN_WINDOW_MS = 15 * 60_000
export const MAX_LOGIN_FAILURES = 5

/** The user as the moderator API shows it (never the hash). */
export interface PublicUser {
  id: string
  email: string
  name: string
  role: Role
  sites: string[] | null
  createdAt: string
}

export function toPublicUser(u: UserRow): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, sites: u.sites ?? null, createdAt: new Date(u.created_at).toISOString() }
}

export function toIdentity(u: Pick<UserRow, 'id' | 'email' | 'role' | 'sites'>): ModeratorIdentity {
  return { id: u.id, email: u.email, role: u.role, sites: u.sites ?? null }
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
  if (input.sites) {
    for (const s of input.sites) if (!(await getSite(db, s))) throw notFound(`No site "${s}".`)
  }
  if (await findUserByEmail(db, email)) throw new AppError('duplicate', 409, `A user with email ${email} already exists.`)
  const id = newId()
  await insertUser(db, {
    id,
    email,
    name: input.name ?? '',
    passwordHash: await passwords.hash(input.password),
    role: input.role,
    sites: input.sites && input.sites.length ? [...new Set(input.sites)] : null,
    now,
  })
  return (await findUserById(db, id))!
}

export async function requireUserByEmail(db: Executor, email: string): Promise<UserRow> {
  const user = await findUserByEmail(db, normaliseEmail(email))
  if (!user) throw notFound(`No user with email ${normaliseEmail(email)}.`)
  return user
}

export async function resetPassword(db: Executor, passwords: PasswordHasher, email: string, password: string): Promise<UserRow> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw validationFailed([{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }])
  const user = await requireUserByEmail(db, email)
  await updateUserPassword(db, user.id, await passwords.hash(password))
  // A new password ends every session the old one opened.
  await db.deleteFrom('sessions').where('user_id', '=', user.id).execute()
  return user
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

/**
 * Checks email + password. Unknown user and wrong password answer the same 401, after the
 * same work; 5 failures for one account or one IP within 15 minutes lock both out (429).
 */
export async function verifyLogin(deps: Deps, input: { email: string; password: string }, ip: string | null): Promise<UserRow> {
  const email = normaliseEmail(input.email)
  const now = deps.clock.now()
  const ipKey = ip ? await deps.keys.ipKey(ip) : null
  const f = await countLoginFailures(deps.db, { email, ipKey, since: new Date(now.getTime() - LOGIN_WINDOW_MS) })
  const locked = [
    f.byEmail >= MAX_LOGIN_FAILURES ? f.firstByEmail : null,
    f.byIp >= MAX_LOGIN_FAILURES ? f.firstByIp : null,
  ].filter((d): d is Date => d !== null)
  if (locked.length) {
    const until = Math.max(...locked.map((d) => d.getTime() + LOGIN_WINDOW_MS))
    throw rateLimited((until - now.getTime()) / 1000, 'Too many failed sign-ins; try again later.')
  }
  const user = await findUserByEmail(deps.db, email)
  const ok = await deps.passwords.verify(user?.password_hash ?? (await dummyHash(deps.passwords)), input.password)
  if (!user || !user.password_hash || !ok) {
    await insertLoginFailure(deps.db, { email, ipKey, at: now })
    deps.log.info('login failed', { known: Boolean(user) })
    throw badCredentials()
  }
  await deleteLoginFailuresByEmail(deps.db, email)
  await deleteLoginFailuresBefore(deps.db, new Date(now.getTime() - LOGIN_WINDOW_MS))
  return user
}
