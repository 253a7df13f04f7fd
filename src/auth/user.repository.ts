import type { Role, UserRow } from '../../db/schema.js'
import type { Executor } from '../db/index.js'
import type { LoginFailureCounts } from './login-limit.js'

export function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
}

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listUsers(db: Executor): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('email').execute()
}

export async function countUsers(db: Executor): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function insertUser(
  db: Executor,
  u: { id: string; email: string; name: string; passwordHash: string | null; globalRole: Role | null; now: Date },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      name: u.name,
      password_hash: u.passwordHash,
      global_role: u.globalRole,
      created_at: u.now,
    })
    .execute()
}

export async function updateUserGlobalRole(db: Executor, id: string, globalRole: Role | null): Promise<void> {
  await db.updateTable('users').set({ global_role: globalRole }).where('id', '=', id).execute()
}

export async function updateUserPassword(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute()
}

export async function deleteUserById(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute()
}

/**
 * An address's sign-in failures as the login limit reads them (see login-limit.ts): for the
 * account from this address, and for the address across accounts. One indexed query.
 */
export async function countLoginFailuresByAddress(
  db: Executor,
  q: { email: string; ipKey: string; pairSince: Date; rememberSince: Date; addressSince: Date },
): Promise<LoginFailureCounts> {
  const r = await db
    .selectFrom('login_failures')
    .select((eb) => [
      eb.fn.count<string>('id').filterWhere((w) => w.and([w('email', '=', q.email), w('at', '>', q.pairSince)])).as('pair_recent'),
      eb.fn.min('at').filterWhere((w) => w.and([w('email', '=', q.email), w('at', '>', q.pairSince)])).as('pair_oldest'),
      eb.fn.count<string>('id').filterWhere('email', '=', q.email).as('pair_remembered'),
      eb.fn.count<string>('id').filterWhere('at', '>', q.addressSince).as('address_recent'),
      eb.fn.max('at').filterWhere('at', '>', q.addressSince).as('address_latest'),
    ])
    .where('ip_key', '=', q.ipKey)
    .where('at', '>', q.rememberSince)
    .executeTakeFirstOrThrow()
  const d = (v: unknown) => (v ? new Date(v as string) : null)
  return {
    pairRecent: Number(r.pair_recent),
    pairOldestRecent: d(r.pair_oldest),
    pairRemembered: Number(r.pair_remembered),
    addressRecent: Number(r.address_recent),
    addressLatest: d(r.address_latest),
  }
}

/** Failed sign-ins per account since a time (any address): the desk shows them on the team. */
export async function countLoginFailuresByEmails(db: Executor, emails: string[], since: Date): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map()
  const rows = await db
    .selectFrom('login_failures')
    .select((eb) => ['email', eb.fn.count<string>('id').as('n')])
    .where('email', 'in', emails)
    .where('at', '>', since)
    .groupBy('email')
    .execute()
  return new Map(rows.map((r) => [r.email, Number(r.n)]))
}

export async function insertLoginFailure(db: Executor, f: { email: string; ipKey: string; at: Date }): Promise<void> {
  await db.insertInto('login_failures').values({ email: f.email, ip_key: f.ipKey, at: f.at }).execute()
}

/** A successful sign-in forgets that address's failures for the account (only those). */
export async function deleteLoginFailuresByEmailAndAddress(db: Executor, email: string, ipKey: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email', '=', email).where('ip_key', '=', ipKey).execute()
}

/** Clears an account's sign-in lock from every address (reset-password, unlock, an admin). */
export async function deleteLoginFailuresByEmail(db: Executor, email: string): Promise<number> {
  const r = await db.deleteFrom('login_failures').where('email', '=', email).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Failures older than the memory no longer count; sign-ins sweep them so the table stays small. */
export async function deleteLoginFailuresBefore(db: Executor, before: Date): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<', before).execute()
}

/** Users who administer something: every site, or at least one site. */
export async function countAdmins(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where((eb) =>
      eb.or([
        eb('global_role', '=', 'admin'),
        eb.exists(eb.selectFrom('site_roles').select('site_roles.user_id').whereRef('site_roles.user_id', '=', 'users.id').where('site_roles.role', '=', 'admin')),
      ]),
    )
    .executeTakeFirstOrThrow()
  return Number(r.n)
}
