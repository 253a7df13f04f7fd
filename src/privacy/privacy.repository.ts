import { sql } from 'kysely'
import type { CommentStatus } from '../../db/schema.js'
import type { Executor } from '../db/index.js'
import type { NewOutboxRow } from '../notifications/outbox.repository.js'

/**
 * SQL for readers' data rights: the privacy-link requests, what a site holds about an email
 * key (export), erasure and the retention purge. Every query is scoped to one site.
 */

// ─── Requests for a privacy link ────────────────────────────────────────────────────────────

export async function countPrivacyRequestsByIp(db: Executor, ipKey: string, since: Date): Promise<{ n: number; first: Date | null }> {
  const r = await db
    .selectFrom('privacy_requests')
    .select([(eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.min('created_at').as('first')])
    .where('ip_key', '=', ipKey)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return { n: Number(r.n), first: r.first ? new Date(r.first) : null }
}

/**
 * Records a request and, in the SAME statement, writes the email to the outbox only when the
 * site knows the address (a comment or a subscription) and no link went to it since
 * `mailedSince`. Known and unknown addresses cost the same single round trip, so neither the
 * answer nor its timing tells who commented. Returns whether an email was queued.
 */
export async function insertPrivacyRequest(
  db: Executor,
  r: { siteId: string; emailKey: string; ipKey: string | null; now: Date; mailedSince: Date; mail: NewOutboxRow },
): Promise<boolean> {
  const m = r.mail
  const res = await sql<{ mailed: boolean }>`
    with known as (
      select (
        exists (select 1 from comments where site_id = ${r.siteId} and email_key = ${r.emailKey})
        or exists (select 1 from subscriptions where site_id = ${r.siteId} and email_key = ${r.emailKey})
        or exists (select 1 from thread_follows where site_id = ${r.siteId} and email_key = ${r.emailKey})
      ) as yes
    ),
    recent as (
      select exists (
        select 1 from privacy_requests
        where site_id = ${r.siteId} and email_key = ${r.emailKey} and mailed and created_at > ${r.mailedSince}
      ) as yes
    ),
    mail as (
      insert into email_outbox (id, message_id, dedupe_key, site_id, kind, to_address, reply_to, subject,
                                text_body, html_body, headers, next_attempt_at, created_at)
      select ${m.id}, ${m.messageId}, ${m.dedupeKey}, ${m.siteId}, ${m.kind}, ${m.to}, null, ${m.subject},
             ${m.text}, ${m.html}, cast(cast(${JSON.stringify(m.headers)} as text) as jsonb), ${m.now}, ${m.now}
      where (select yes from known) and not (select yes from recent)
      on conflict (dedupe_key) do nothing
      returning id
    )
    insert into privacy_requests (site_id, email_key, ip_key, mailed, created_at)
    values (${r.siteId}, ${r.emailKey}, ${r.ipKey}, exists (select 1 from mail), ${r.now})
    returning mailed
  `.execute(db)
  return res.rows[0]?.mailed === true
}

// ─── What a site holds about an email key ──────────────────────────────────────────────────

export interface OwnCommentRow {
  id: string
  parent_id: string | null
  thread_id: string
  uri: string
  title: string
  status: CommentStatus
  body_md: string
  body_html: string
  author_name: string
  author_email: string | null
  author_url: string | null
  ip_key: string | null
  created_at: Date | string
  edited_at: Date | string | null
}

/** Every comment of this email key on the site, in every status, oldest first. */
export function findCommentsByEmailKey(db: Executor, siteId: string, emailKey: string): Promise<OwnCommentRow[]> {
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', 't.id', 'c.thread_id')
    .select([
      'c.id',
      'c.parent_id',
      'c.thread_id',
      't.uri',
      't.title',
      'c.status',
      'c.body_md',
      'c.body_html',
      'c.author_name',
      'c.author_email',
      'c.author_url',
      'c.ip_key',
      'c.created_at',
      'c.edited_at',
    ])
    .where('c.site_id', '=', siteId)
    .where('c.email_key', '=', emailKey)
    .orderBy('c.created_at')
    .orderBy('c.seq')
    .execute()
}

export function findSubscriptionsByEmailKey(db: Executor, siteId: string, emailKey: string) {
  return db.selectFrom('subscriptions').selectAll().where('site_id', '=', siteId).where('email_key', '=', emailKey).execute()
}

/** When this key's data on the site was last erased (a privacy link issued before then is spent). */
export async function findLastErasureAt(db: Executor, siteId: string, emailKey: string): Promise<Date | null> {
  const r = await db
    .selectFrom('moderation_actions')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('site_id', '=', siteId)
    .where('action', '=', 'privacy_erase')
    .where(sql<boolean>`details->>'emailKey' = ${emailKey}`)
    .executeTakeFirst()
  return r?.at ? new Date(r.at) : null
}

// ─── Stop all emails ────────────────────────────────────────────────────────────────────────

/** Ends every subscription of the key on the site; returns how many were active. */
export async function endSubscriptionsByEmailKey(db: Executor, siteId: string, emailKey: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('subscriptions')
    .set({ unsubscribed_at: now })
    .where('site_id', '=', siteId)
    .where('email_key', '=', emailKey)
    .where('unsubscribed_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Unsent commenter emails to these addresses on the site (replies, approvals, confirmations, follow digests). */
export async function deletePendingCommenterMail(db: Executor, siteId: string, addresses: string[]): Promise<number> {
  if (addresses.length === 0) return 0
  const r = await db
    .deleteFrom('email_outbox')
    .where('site_id', '=', siteId)
    .where('status', '=', 'pending')
    .where('kind', 'in', ['reply', 'comment_approved', 'confirm_address', 'follow_confirm', 'follow_digest'])
    .where(sql<string>`lower(to_address)`, 'in', addresses)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

// ─── Erasure ────────────────────────────────────────────────────────────────────────────────

export function lockCommentsByEmailKey(db: Executor, siteId: string, emailKey: string) {
  return db
    .selectFrom('comments')
    .select(['id', 'thread_id', 'author_name', 'author_email', 'author_url', 'ip_key', 'email_key', 'avatar_key'])
    .where('site_id', '=', siteId)
    .where('email_key', '=', emailKey)
    .orderBy('id')
    .forUpdate()
    .execute()
}

/** Every comment below these (replies of replies too): id and parent. */
export async function findDescendants(db: Executor, ids: string[]): Promise<{ id: string; parent_id: string }[]> {
  if (ids.length === 0) return []
  const r = await sql<{ id: string; parent_id: string }>`
    with recursive d as (
      select id, parent_id from comments where parent_id in (${sql.join(ids)})
      union
      select c.id, c.parent_id from comments c join d on c.parent_id = d.id
    )
    select id, parent_id from d
  `.execute(db)
  return r.rows
}

/** Keeps the row for the replies under it; everything about the person goes. */
export async function tombstoneComments(db: Executor, ids: string[], avatarKey: string, now: Date): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('comments')
    .set({
      status: 'deleted',
      body_md: '',
      body_html: '',
      author_name: '',
      author_email: null,
      author_url: null,
      email_key: null,
      avatar_key: avatarKey,
      ip_key: null,
      user_agent: null,
      user_id: null,
      edit_token_hash: null,
      editable_until: null,
      notify_replies: false,
      reasons: sql`'[]'::jsonb`,
      open_reports: 0,
      updated_at: now,
    })
    .where('id', 'in', ids)
    .execute()
}

export async function deleteReportsOfComments(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db.deleteFrom('reports').where('comment_id', 'in', ids).execute()
}

/** Deletes the comments (their reports go with them: on delete cascade). One statement, so a parent and its reply may go together. */
export async function deleteCommentsByIds(db: Executor, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0
  const r = await db.deleteFrom('comments').where('id', 'in', ids).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export function findAuditRowsOfComments(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('moderation_actions').select(['id', 'reason', 'details']).where('comment_id', 'in', ids).execute()
}

export async function clearAuditText(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db.updateTable('moderation_actions').set({ reason: null, details: null }).where('id', 'in', ids).execute()
}

/**
 * Every email on the site to or from these addresses, or about these comments, sent or not
 * (an unsent one is thereby cancelled). Returns the Message-IDs, to clear the dev mailbox too.
 */
export async function deleteMailOfPerson(db: Executor, siteId: string, addresses: string[], commentIds: string[]): Promise<string[]> {
  if (addresses.length === 0 && commentIds.length === 0) return []
  const rows = await db
    .deleteFrom('email_outbox')
    .where('site_id', '=', siteId)
    .where((eb) =>
      eb.or([
        ...(addresses.length ? [eb(sql<string>`lower(to_address)`, 'in', addresses), eb(sql<string>`lower(reply_to)`, 'in', addresses)] : []),
        ...(commentIds.length ? [eb('comment_id', 'in', commentIds)] : []),
      ]),
    )
    .returning('message_id')
    .execute()
  return rows.map((r) => r.message_id)
}

export async function deleteDevMailByMessageIds(db: Executor, messageIds: string[]): Promise<void> {
  for (let i = 0; i < messageIds.length; i += 500) {
    await db.deleteFrom('dev_mailbox').where('message_id', 'in', messageIds.slice(i, i + 500)).execute()
  }
}

export async function deleteSubscriptionsByEmailKey(db: Executor, siteId: string, emailKey: string): Promise<number> {
  const r = await db.deleteFrom('subscriptions').where('site_id', '=', siteId).where('email_key', '=', emailKey).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export async function deletePrivacyRequestsByEmailKey(db: Executor, siteId: string, emailKey: string): Promise<void> {
  await db.deleteFrom('privacy_requests').where('site_id', '=', siteId).where('email_key', '=', emailKey).execute()
}

/** A site ban on the address stays in force by its key; the address itself goes. */
export async function forgetBannedAddress(db: Executor, siteId: string, emailKey: string): Promise<void> {
  await db.updateTable('bans').set({ email: null }).where('site_id', '=', siteId).where('email_key', '=', emailKey).execute()
}

/** Reports the person made from the IPs of their comments no longer carry that IP key. */
export async function clearReportIpKeys(db: Executor, siteId: string, ipKeys: string[]): Promise<void> {
  if (ipKeys.length === 0) return
  await db.updateTable('reports').set({ ip_key: null }).where('site_id', '=', siteId).where('ip_key', 'in', ipKeys).execute()
  await db.updateTable('privacy_requests').set({ ip_key: null }).where('site_id', '=', siteId).where('ip_key', 'in', ipKeys).execute()
}

// ─── Retention ──────────────────────────────────────────────────────────────────────────────

/**
 * Deletes up to `limit` comments of a status that have been so since before `before`, leaf
 * comments first (a reply keeps its parent's row until the reply goes). Reports go with them;
 * so do the emails about them. Returns the deleted ids with their threads.
 */
export async function deleteStaleComments(
  db: Executor,
  q: { siteId: string; status: 'spam' | 'rejected'; before: Date; limit: number },
): Promise<{ id: string; thread_id: string }[]> {
  const r = await sql<{ id: string; thread_id: string }>`
    delete from comments where id in (
      select c.id from comments c
      where c.site_id = ${q.siteId} and c.status = ${q.status} and c.updated_at < ${q.before}
        and not exists (select 1 from comments k where k.parent_id = c.id)
      order by c.updated_at
      limit ${q.limit}
    )
    returning id, thread_id
  `.execute(db)
  return r.rows
}

export async function deleteMailAboutComments(db: Executor, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await db.deleteFrom('email_outbox').where('comment_id', 'in', ids).returning('message_id').execute()
  return rows.map((r) => r.message_id)
}

/** Clears IP keys and user agents of up to `limit` comments created before `before`. */
export async function clearStaleIpKeys(db: Executor, q: { siteId: string; before: Date; limit: number }): Promise<number> {
  const r = await sql`
    update comments set ip_key = null, user_agent = null
    where id in (
      select id from comments
      where site_id = ${q.siteId} and created_at < ${q.before} and (ip_key is not null or user_agent is not null)
      limit ${q.limit}
    )
  `.execute(db)
  return Number(r.numAffectedRows ?? 0n)
}

export async function clearStaleReportIpKeys(db: Executor, siteId: string, before: Date): Promise<number> {
  const r = await db
    .updateTable('reports')
    .set({ ip_key: null })
    .where('site_id', '=', siteId)
    .where('created_at', '<', before)
    .where('ip_key', 'is not', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Requests only matter for an hour's rate limits; a day later they go. */
export async function deleteOldPrivacyRequests(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom('privacy_requests').where('created_at', '<', before).executeTakeFirst()
  return Number(r.numDeletedRows)
}
