import { sql, type Selectable } from 'kysely'
import type { CommentStatus, ThreadFollowsTable } from '../../db/schema.js'
import type { Executor } from '../db/index.js'

/**
 * SQL for following a thread by email (issue 15): the follow rows (double opt-in), the comments
 * waiting for a follow's next digest, and what a reader's privacy page shows and ends.
 */

export type FollowRow = Selectable<ThreadFollowsTable>

/** How many follows an IP key asked for (or asked for again) since `since`, and the first of them. */
export async function countFollowRequestsByIp(db: Executor, ipKey: string, since: Date): Promise<{ n: number; first: Date | null }> {
  const r = await db
    .selectFrom('thread_follows')
    .select([(eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.min('requested_at').as('first')])
    .where('ip_key', '=', ipKey)
    .where('requested_at', '>', since)
    .executeTakeFirstOrThrow()
  return { n: Number(r.n), first: r.first ? new Date(r.first) : null }
}

/**
 * The (thread, address) follow, made if it is not there yet, else marked as asked for again;
 * returned locked (ON CONFLICT DO UPDATE holds the row until the transaction ends), so two
 * requests at once cannot both send a confirmation.
 */
export function upsertFollow(
  db: Executor,
  f: { id: string; siteId: string; threadId: string; emailKey: string; email: string; lang: string | null; ipKey: string | null; now: Date },
): Promise<FollowRow> {
  return db
    .insertInto('thread_follows')
    .values({
      id: f.id,
      site_id: f.siteId,
      thread_id: f.threadId,
      email_key: f.emailKey,
      email: f.email,
      lang: f.lang,
      ip_key: f.ipKey,
      requested_at: f.now,
      created_at: f.now,
    })
    .onConflict((oc) => oc.columns(['thread_id', 'email_key']).doUpdateSet({ ip_key: f.ipKey, requested_at: f.now }))
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A confirmation went out now, in this language (the page's where the reader asked last). */
export async function setFollowConfirmSent(db: Executor, id: string, lang: string | null, at: Date): Promise<void> {
  await db.updateTable('thread_follows').set({ confirm_sent_at: at, lang }).where('id', '=', id).execute()
}

export function lockFollow(db: Executor, siteId: string, id: string): Promise<FollowRow | undefined> {
  return db.selectFrom('thread_follows').selectAll().where('id', '=', id).where('site_id', '=', siteId).forUpdate().executeTakeFirst()
}

/** A site's follows with their thread's uri and title (the base of the two look-ups below). */
function followsWithThread(db: Executor, siteId: string) {
  return db
    .selectFrom('thread_follows as f')
    .innerJoin('threads as t', 't.id', 'f.thread_id')
    .selectAll('f')
    .select(['t.uri', 't.title'])
    .where('f.site_id', '=', siteId)
}

export function findFollow(db: Executor, siteId: string, id: string): Promise<(FollowRow & { uri: string; title: string }) | undefined> {
  return followsWithThread(db, siteId).where('f.id', '=', id).executeTakeFirst()
}

/** Confirming also ends an earlier unsubscribe: the owner asked again and proved the address. */
export async function confirmFollow(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('thread_follows').set({ confirmed_at: at, unsubscribed_at: null }).where('id', '=', id).execute()
}

/**
 * Ends follows (the given ids): no digest is waiting any more, and a digest written to the outbox
 * but not sent yet is cancelled. Returns how many were still on.
 */
export async function endFollows(db: Executor, ids: string[], at: Date): Promise<number> {
  if (ids.length === 0) return 0
  const r = await db
    .updateTable('thread_follows')
    .set({ unsubscribed_at: at, digest_due_at: null })
    .where('id', 'in', ids)
    .where('unsubscribed_at', 'is', null)
    .executeTakeFirst()
  await db.deleteFrom('thread_follow_comments').where('follow_id', 'in', ids).execute()
  await db
    .deleteFrom('email_outbox')
    .where('status', '=', 'pending')
    .where('kind', '=', 'follow_digest')
    .where((eb) => eb.or(ids.map((id) => eb('dedupe_key', 'like', `digest:${id}:%`))))
    .execute()
  return Number(r.numUpdatedRows)
}

/** Whether digests may go to this follow: confirmed and not unsubscribed. */
export function isFollowing(f: Pick<FollowRow, 'confirmed_at' | 'unsubscribed_at'> | undefined): boolean {
  return !!f && f.confirmed_at !== null && f.unsubscribed_at === null
}

// ─── The digest rule ──────────────────────────────────────────────────────────────────────

/**
 * A comment of the thread was published: it waits for the next digest of every confirmed follow
 * of the thread but its author's own (`authorKey`), never when it was imported. A follow with
 * nothing waiting yet gets its due time: now, or one window after its last digest.
 *
 * The waiting rows go in first: their foreign key takes a KEY SHARE lock on each follow row, so
 * the digest job (which takes follow rows FOR UPDATE, SKIP LOCKED) either finished with a follow
 * before (and this then sets a new due time) or leaves it until this transaction ends (and then
 * finds this comment waiting). No comment is left behind without a due time.
 */
export async function queueForFollowers(
  db: Executor,
  c: { threadId: string; commentId: string; authorKey: string | null; now: Date; windowMinutes: number },
): Promise<number> {
  const ins = await sql`
    insert into thread_follow_comments (follow_id, comment_id, added_at)
    select f.id, ${c.commentId}, ${c.now}::timestamptz from thread_follows f
    where f.thread_id = ${c.threadId} and f.confirmed_at is not null and f.unsubscribed_at is null
      and f.email_key is distinct from ${c.authorKey}::text
      and not exists (select 1 from comment_imports i where i.comment_id = ${c.commentId})
    on conflict do nothing
  `.execute(db)
  const n = Number(ins.numAffectedRows ?? 0n)
  if (n === 0) return 0
  await sql`
    update thread_follows set digest_due_at =
      greatest(${c.now}::timestamptz, last_digest_at + make_interval(mins => ${c.windowMinutes}::int))
    where digest_due_at is null
      and id in (select follow_id from thread_follow_comments where comment_id = ${c.commentId})
  `.execute(db)
  return n
}

/** The follow whose digest is due longest, locked; another worker's follow is skipped. */
export function claimDueFollow(db: Executor, now: Date): Promise<FollowRow | undefined> {
  return db
    .selectFrom('thread_follows')
    .selectAll()
    .where('digest_due_at', '<=', now)
    .orderBy('digest_due_at')
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst()
}

export interface WaitingComment {
  id: string
  status: CommentStatus
  author_name: string
  body_md: string
}

/** The comments waiting for a follow's digest, in the thread's order, whatever their status now. */
export function findWaitingComments(db: Executor, followId: string): Promise<WaitingComment[]> {
  return db
    .selectFrom('thread_follow_comments as w')
    .innerJoin('comments as c', 'c.id', 'w.comment_id')
    .select(['c.id', 'c.status', 'c.author_name', 'c.body_md'])
    .where('w.follow_id', '=', followId)
    .orderBy('c.created_at')
    .orderBy('c.seq')
    .execute()
}

/** A digest was written (or there was nothing left to send): these comments no longer wait. */
export async function finishDigest(db: Executor, followId: string, commentIds: string[], sentAt: Date | null): Promise<void> {
  if (commentIds.length) await db.deleteFrom('thread_follow_comments').where('follow_id', '=', followId).where('comment_id', 'in', commentIds).execute()
  await db
    .updateTable('thread_follows')
    .set(sentAt ? { digest_due_at: null, last_digest_at: sentAt } : { digest_due_at: null })
    .where('id', '=', followId)
    .execute()
}

// ─── A reader's follows (privacy page, export, erase) ──────────────────────────────────────

export interface OwnFollowRow extends FollowRow {
  uri: string
  title: string
}

/** Every follow of this email key on the site, oldest first, with its thread. */
export function findFollowsByEmailKey(db: Executor, siteId: string, emailKey: string): Promise<OwnFollowRow[]> {
  return followsWithThread(db, siteId).where('f.email_key', '=', emailKey).orderBy('f.created_at').orderBy('f.id').execute()
}

export async function deleteFollowsByEmailKey(db: Executor, siteId: string, emailKey: string): Promise<number> {
  const r = await db.deleteFrom('thread_follows').where('site_id', '=', siteId).where('email_key', '=', emailKey).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** The rate limit needs request IP keys for an hour; a day later they go. */
export async function clearOldFollowIpKeys(db: Executor, before: Date): Promise<number> {
  const r = await db.updateTable('thread_follows').set({ ip_key: null }).where('ip_key', 'is not', null).where('requested_at', '<', before).executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Follows never confirmed whose last confirmation link has expired: the address goes with them. */
export async function deleteUnconfirmedFollows(db: Executor, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('thread_follows')
    .where('confirmed_at', 'is', null)
    .where((eb) => eb.or([eb('confirm_sent_at', '<', before), eb.and([eb('confirm_sent_at', 'is', null), eb('created_at', '<', before)])]))
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
