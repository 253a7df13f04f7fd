import type { Selectable } from 'kysely'
import type { BansTable } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

export type BanRow = Selectable<BansTable> & { created_by_email?: string | null }

export async function insertBan(
  db: Executor,
  b: { id: string; siteId: string | null; email: string | null; emailKey: string | null; ipKey: string | null; reason: string; expiresAt: Date | null; createdBy: string; now: Date },
): Promise<void> {
  await db
    .insertInto('bans')
    .values({
      id: b.id,
      site_id: b.siteId,
      email: b.email,
      email_key: b.emailKey,
      ip_key: b.ipKey,
      reason: b.reason,
      expires_at: b.expiresAt,
      created_by: b.createdBy,
      created_at: b.now,
    })
    .execute()
}

export function findBanById(db: Executor, id: string): Promise<BanRow | undefined> {
  return db.selectFrom('bans').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Bans on the given sites and global ones, newest first. */
export function findBans(db: Executor, sites: string[] | null, limit: number): Promise<BanRow[]> {
  let q = db
    .selectFrom('bans')
    .leftJoin('users', 'users.id', 'bans.created_by')
    .selectAll('bans')
    .select('users.email as created_by_email')
  if (sites !== null) q = q.where((eb) => eb.or([eb('bans.site_id', 'is', null), eb('bans.site_id', 'in', sites.length ? sites : ['\u0000'])]))
  return q.orderBy('bans.created_at', 'desc').orderBy('bans.id').limit(limit).execute()
}

export async function deleteBanById(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('bans').where('id', '=', id).execute()
}

/** Live (pending or published) comments by the banned email or IP, within the ban's scope. */
export async function findLiveCommentIdsBy(
  db: Executor,
  q: { siteId: string | null; emailKey: string | null; ipKey: string | null },
): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('id')
    .where('status', 'in', ['pending', 'approved'])
    .where((eb) =>
      eb.or([
        ...(q.emailKey ? [eb('email_key', '=', q.emailKey)] : []),
        ...(q.ipKey ? [eb('ip_key', '=', q.ipKey)] : []),
      ]),
    )
    .$if(q.siteId !== null, (qb) => qb.where('site_id', '=', q.siteId!))
    .orderBy('id')
    .execute()
  return rows.map((r) => r.id)
}
