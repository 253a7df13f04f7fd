import type { Selectable } from 'kysely'
import type { SubscriptionsTable } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

export type SubscriptionRow = Selectable<SubscriptionsTable>

/** Creates the (site, address) row if it is not there yet; never touches an existing one. */
export async function ensureSubscription(
  db: Executor,
  s: { siteId: string; emailKey: string; email: string; now: Date },
): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({ site_id: s.siteId, email_key: s.emailKey, email: s.email, created_at: s.now })
    .onConflict((oc) => oc.columns(['site_id', 'email_key']).doNothing())
    .execute()
}

export function findSubscription(db: Executor, siteId: string, emailKey: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('site_id', '=', siteId).where('email_key', '=', emailKey).executeTakeFirst()
}

export function lockSubscription(db: Executor, siteId: string, emailKey: string): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('email_key', '=', emailKey)
    .forUpdate()
    .executeTakeFirst()
}

export async function setConfirmSentAt(db: Executor, siteId: string, emailKey: string, at: Date): Promise<void> {
  await db.updateTable('subscriptions').set({ confirm_sent_at: at }).where('site_id', '=', siteId).where('email_key', '=', emailKey).execute()
}

/** Confirming also ends an earlier unsubscribe: the owner asked again and proved the address. */
export async function confirmSubscription(db: Executor, siteId: string, emailKey: string, at: Date): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ confirmed_at: at, unsubscribed_at: null })
    .where('site_id', '=', siteId)
    .where('email_key', '=', emailKey)
    .execute()
}

export async function unsubscribe(db: Executor, siteId: string, emailKey: string, at: Date): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ unsubscribed_at: at })
    .where('site_id', '=', siteId)
    .where('email_key', '=', emailKey)
    .execute()
}

/** Whether reply emails may go to this address on this site: confirmed and not unsubscribed. */
export function isActive(s: SubscriptionRow | undefined): boolean {
  return !!s && s.confirmed_at !== null && s.unsubscribed_at === null
}
