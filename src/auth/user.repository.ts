import type { Role, UserRow } from '../../db/schema.js'
import { jsonb, type Executor } from '../db/index.js'

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
  u: { id: string; email: string; name: string; passwordHash: string | null; role: Role; sites: string[] | null; now: Date },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      name: u.name,
      password_hash: u.passwordHash,
      role: u.role,
      sites: u.sites === null ? null : jsonb(u.sites),
      created_at: u.now,
    })
    .execute()
}

export async function updateUserPassword(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute()
}

export async function deleteUserById(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute()
}

/** Failures in the window for the account and for the IP key, with the oldest of each. */
export async function countLoginFailures(
  db: Executor,
  q: { email: string; ipKey: string | null; since: Date },
): Promise<{ byEmail: number; firstByEmail: Date | null; byIp: number; firstByIp: Date | null }> {
  const r = await db
    .selectFrom('login_failures')
    .select((eb) => [
      eb.fn.count<string>('id').filterWhere('email', '=', q.email).as('by_email'),
      eb.fn.min('at').filterWhere('email', '=', q.email).as('first_by_email'),
      eb.fn.count<string>('id').filterWhere('ip_key', '=', q.ipKey ?? '').as('by_ip'),
      eb.fn.min('at').filterWhere('ip_key', '=', q.ipKey ?? '').as('first_by_ip'),
    ])
    .where('at', '>', q.since)
    .where((eb) => eb.or([eb('email', '=', q.email), ...(q.ipKey ? [eb('ip_key', '=', q.ipKey)] : [])]))
    .executeTakeFirstOrThrow()
  const d = (v: unknown) => (v ? new Date(v as string) : null)
  return { byEmail: Number(r.by_email), firstByEmail: d(r.first_by_email), byIp: Number(r.by_ip), firstByIp: d(r.first_by_ip) }
}

export async function insertLoginFailure(db: Executor, f: { email: string; ipKey: string | null; at: Date }): Promise<void> {
  await db.insertInto('login_failures').values({ email: f.email, ip_key: f.ipKey, at: f.at }).execute()
}

export async function deleteLoginFailuresByEmail(db: Executor, email: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email', '=', email).execute()
}

/** Failures older than the window no longer count; sign-ins sweep them so the table stays small. */
export async function deleteLoginFailuresBefore(db: Executor, before: Date): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<', before).execute()
}
