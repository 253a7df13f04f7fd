import { z } from 'zod'
import { privacyLink } from '../../emails/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { AppError, rateLimited } from '../errors.js'
import { newId } from '../lib/ids.js'
import { assertAdmin } from '../moderation/access.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { AUTOMATED_HEADERS } from '../notifications/links.js'
import { messageIdFor } from '../notifications/outbox.js'
import { signToken, TOKEN_TTL_MS, verifyToken, type PrivacySubject } from '../notifications/tokens.js'
import { emailFormat, MAX_EMAIL_LENGTH } from '../sites/settings.js'
import { requireSite, siteIdSchema, type Site } from '../sites/site.service.js'
import { refreshThread } from '../threads/thread.repository.js'
import { normaliseEmail } from './keys.js'
import { toExportComment, toExportFollow, toExportSubscription, type PrivacyExport } from './privacy.mapper.js'
import { deleteFollowsByEmailKey, endFollows, findFollowsByEmailKey } from '../follows/follow.repository.js'
import {
  clearAuditText,
  clearReportIpKeys,
  countPrivacyRequestsByIp,
  deleteCommentsByIds,
  deleteDevMailByMessageIds,
  deleteMailOfPerson,
  deletePendingCommenterMail,
  deletePrivacyRequestsByEmailKey,
  deleteReportsOfComments,
  deleteSubscriptionsByEmailKey,
  endSubscriptionsByEmailKey,
  findAuditRowsOfComments,
  findCommentsByEmailKey,
  findDescendants,
  findLastErasureAt,
  findSubscriptionsByEmailKey,
  forgetBannedAddress,
  insertPrivacyRequest,
  lockCommentsByEmailKey,
  tombstoneComments,
} from './privacy.repository.js'

/**
 * Readers' data rights (issue 12): a reader asks for a link by email, the signed link (purpose
 * `privacy`, 24 h) shows, downloads, unsubscribes or erases what one site holds about their
 * address; admins do the same from the desk, operators from the CLI.
 */

/** At most one privacy email per address and site in this window. */
export const PRIVACY_MAIL_INTERVAL_MS = 3600_000
/** Requests per IP in an hour (known and unknown addresses alike). */
export const PRIVACY_REQUESTS_PER_IP_HOUR = 10

export const privacyEmailSchema = z
  .string()
  .transform((v) => v.trim())
  .refine((v) => v.length > 0, 'is required')
  .refine((v) => v.length <= MAX_EMAIL_LENGTH * 2, 'is too long')
  .refine((v) => emailFormat.safeParse(v).success, 'must be a valid email address')

export const privacyRequestSchema = z.object({
  site: siteIdSchema,
  email: privacyEmailSchema,
  // The reader's language (as POST /api/comments takes it): the email speaks it when it can.
  lang: z.string().max(35, 'must be at most 35 characters').regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag like es or pt-BR').optional(),
})
export const privacyTokenSchema = z.object({ token: z.string().min(1, 'is required').max(2000, 'is too long') })
export const adminPrivacySchema = z.object({ site: siteIdSchema, email: privacyEmailSchema })

export function privacyManageUrl(deps: Deps, token: string): string {
  return `${deps.config.publicUrl}/privacy/manage?token=${token}`
}

/**
 * Asks for a privacy link. The caller answers the same whatever happens here (202): the email
 * goes out only when the site knows the address, and the lookup and the outbox write are one
 * statement either way (see insertPrivacyRequest). Rate limited per IP (429, for everyone
 * alike) and, silently, to one email per address an hour.
 */
export async function requestPrivacyLink(deps: Deps, site: Site, email: string, ip: string | null, lang?: string | null): Promise<void> {
  const now = deps.clock.now()
  const emailKey = await deps.keys.emailKey(email)
  const ipKey = ip ? await deps.keys.ipKey(ip) : null
  // The email is built for every request, known address or not: the same work either way.
  const token = await signToken(deps.keys, 'privacy', { site: site.id, key: emailKey, t: now.getTime() }, now)
  const mail = privacyLink({
    siteName: site.name,
    manageUrl: privacyManageUrl(deps, token),
    expiresAt: new Date(now.getTime() + TOKEN_TTL_MS.privacy!),
    lang,
  })
  const id = newId()
  await deps.db.transaction().execute(async (trx) => {
    if (ipKey) {
      const recent = await countPrivacyRequestsByIp(trx, ipKey, new Date(now.getTime() - 3600_000))
      if (recent.n >= PRIVACY_REQUESTS_PER_IP_HOUR) {
        const first = recent.first?.getTime() ?? now.getTime()
        throw rateLimited((first + 3600_000 - now.getTime()) / 1000, 'Too many requests from your network; try again later.')
      }
    }
    await insertPrivacyRequest(trx, {
      siteId: site.id,
      emailKey,
      ipKey,
      now,
      mailedSince: new Date(now.getTime() - PRIVACY_MAIL_INTERVAL_MS),
      mail: {
        id,
        messageId: messageIdFor(id, deps.config.publicUrl),
        // Two requests at the same moment cannot both pass the hourly check: the key is unique.
        dedupeKey: `privacy:${site.id}:${emailKey}:${Math.floor(now.getTime() / PRIVACY_MAIL_INTERVAL_MS)}`,
        siteId: site.id,
        kind: 'privacy_link',
        to: email,
        replyTo: null,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: AUTOMATED_HEADERS,
        now,
      },
    })
  })
  // Never whether it was mailed: the log must not answer "did this address comment?" either.
  deps.log.info('privacy link requested', { site: site.id })
}

/**
 * The subject of a privacy link: 400 invalid_token when forged, expired or minted for another
 * purpose; 410 token_used once an erasure (by this link or a later one) has been done.
 */
export async function privacySubject(deps: Deps, token: string | undefined): Promise<{ subject: PrivacySubject; site: Site }> {
  const s = await verifyToken(deps.keys, 'privacy', token, deps.clock.now())
  if (!s) throw new AppError('invalid_token', 400, 'This link is not valid: it is incomplete, has expired (links work for 24 hours) or was made for something else.')
  const erasedAt = await findLastErasureAt(deps.db, s.site, s.key)
  if (erasedAt && erasedAt.getTime() >= s.t) throw new AppError('token_used', 410, 'Everything this link showed has already been erased.')
  const site = await requireSite(deps.db, s.site)
  return { subject: s, site }
}

/** Everything the site holds about an email key. `email`: the address asked about, when known. */
export async function exportPrivacyData(deps: Deps, siteId: string, emailKey: string, email?: string): Promise<PrivacyExport> {
  const [comments, subscriptions, follows] = await Promise.all([
    findCommentsByEmailKey(deps.db, siteId, emailKey),
    findSubscriptionsByEmailKey(deps.db, siteId, emailKey),
    findFollowsByEmailKey(deps.db, siteId, emailKey),
  ])
  const given =
    email ?? subscriptions[0]?.email ?? [...comments].reverse().find((c) => c.author_email)?.author_email ?? follows[0]?.email ?? null
  return {
    site: siteId,
    email: given,
    comments: comments.map(toExportComment),
    // Reply emails for the whole site (uri null), then the articles followed (issue 15).
    subscriptions: [...subscriptions.map(toExportSubscription), ...follows.map(toExportFollow)],
  }
}

/** The addresses (normalised) a person used on the site, from their comments and subscription. */
async function addressesOf(deps: Deps, siteId: string, emailKey: string, extra?: string): Promise<string[]> {
  const [comments, subs, follows] = await Promise.all([
    deps.db.selectFrom('comments').select('author_email').distinct().where('site_id', '=', siteId).where('email_key', '=', emailKey).execute(),
    findSubscriptionsByEmailKey(deps.db, siteId, emailKey),
    findFollowsByEmailKey(deps.db, siteId, emailKey),
  ])
  const all = [...comments.map((c) => c.author_email), ...subs.map((s) => s.email), ...follows.map((f) => f.email), extra]
  return [...new Set(all.filter((a): a is string => !!a).map(normaliseEmail))]
}

/**
 * "Stop all emails": ends every subscription and every follow, and cancels unsent reply /
 * approval / confirm / digest emails.
 */
export async function stopAllEmails(deps: Deps, siteId: string, emailKey: string, email?: string): Promise<{ ended: number }> {
  const now = deps.clock.now()
  const addresses = await addressesOf(deps, siteId, emailKey, email)
  const ended = await deps.db.transaction().execute(async (trx) => {
    const n = await endSubscriptionsByEmailKey(trx, siteId, emailKey, now)
    const follows = await findFollowsByEmailKey(trx, siteId, emailKey)
    const f = await endFollows(
      trx,
      follows.map((x) => x.id),
      now,
    )
    await deletePendingCommenterMail(trx, siteId, addresses)
    return n + f
  })
  deps.log.info('privacy: emails stopped', { site: siteId, ended })
  return { ended }
}

export interface EraseResult {
  /** Every comment of the person that was erased, tombstones included. */
  erased: number
  /** Of those, how many stay as empty placeholders because others replied to them. */
  tombstoned: number
}

/**
 * Erases everything a site holds about an email key, in one transaction: comments with replies
 * by others become tombstones (no name, email, url, IP key, user agent, text or edit token),
 * the others are deleted with their reports; subscriptions, privacy requests and every email
 * to the address or about their comments (sent or not) go; threads are recounted (counts and
 * caches change at once). The audit keeps one row: "erased N comments" with the email key only.
 */
export async function erasePrivacyData(
  deps: Deps,
  q: { siteId: string; emailKey: string; email?: string; actor: { id: string; email: string } | null; via: 'link' | 'desk' | 'cli' },
): Promise<EraseResult> {
  const now = deps.clock.now()
  const anonymousAvatar = await deps.keys.avatarKey(q.siteId, { email: null, name: '' })
  const { result, threads } = await deps.db.transaction().execute(async (trx) => {
    const mine = await lockCommentsByEmailKey(trx, q.siteId, q.emailKey)
    const ids = mine.map((c) => c.id)
    const own = new Set(ids)
    // A comment stays (as a tombstone) when anything of someone else hangs below it.
    const below = await findDescendants(trx, ids)
    const children = new Map<string, string[]>()
    for (const d of below) children.set(d.parent_id, [...(children.get(d.parent_id) ?? []), d.id])
    const keep = new Map<string, boolean>()
    const mustKeep = (id: string): boolean => {
      const known = keep.get(id)
      if (known !== undefined) return known
      keep.set(id, false)
      const v = (children.get(id) ?? []).some((k) => !own.has(k) || mustKeep(k))
      keep.set(id, v)
      return v
    }
    const tombstoned = ids.filter(mustKeep)
    const deleted = ids.filter((id) => !mustKeep(id))

    const subs = await findSubscriptionsByEmailKey(trx, q.siteId, q.emailKey)
    const follows = await findFollowsByEmailKey(trx, q.siteId, q.emailKey)
    const addresses = [
      ...new Set(
        [...mine.map((c) => c.author_email), ...subs.map((s) => s.email), ...follows.map((f) => f.email), q.email]
          .filter((a): a is string => !!a)
          .map(normaliseEmail),
      ),
    ]
    const ipKeys = [...new Set(mine.map((c) => c.ip_key).filter((k): k is string => !!k))]

    // Audit rows about these comments keep what happened, not what the rules quoted of them.
    const needles = [
      ...addresses,
      q.emailKey,
      ...ipKeys,
      ...mine.flatMap((c) => [c.author_name, c.author_url, c.avatar_key]).filter((s): s is string => !!s && s.length >= 3).map((s) => s.toLowerCase()),
    ]
    const audit = await findAuditRowsOfComments(trx, ids)
    await clearAuditText(
      trx,
      audit.filter((a) => needles.some((n) => `${a.reason ?? ''} ${JSON.stringify(a.details ?? '')}`.toLowerCase().includes(n))).map((a) => a.id),
    )

    await deleteReportsOfComments(trx, ids)
    await tombstoneComments(trx, tombstoned, anonymousAvatar, now)
    await deleteCommentsByIds(trx, deleted)
    const messageIds = await deleteMailOfPerson(trx, q.siteId, addresses, ids)
    await deleteDevMailByMessageIds(trx, messageIds)
    await deleteSubscriptionsByEmailKey(trx, q.siteId, q.emailKey)
    // The articles they followed, with the comments waiting for their digests (on delete cascade).
    await deleteFollowsByEmailKey(trx, q.siteId, q.emailKey)
    await deletePrivacyRequestsByEmailKey(trx, q.siteId, q.emailKey)
    await forgetBannedAddress(trx, q.siteId, q.emailKey)
    await clearReportIpKeys(trx, q.siteId, ipKeys)
    const threads = [...new Set(mine.map((c) => c.thread_id))]
    for (const t of threads) await refreshThread(trx, t, now)
    const result = { erased: ids.length, tombstoned: tombstoned.length }
    await insertAuditEntry(trx, {
      siteId: q.siteId,
      commentId: null,
      actor: q.actor,
      action: 'privacy_erase',
      from: null,
      to: null,
      reason: `Erased ${ids.length === 1 ? '1 comment' : `${ids.length} comments`} at the author's request.`,
      details: { emailKey: q.emailKey, erased: result.erased, tombstoned: result.tombstoned, emails: messageIds.length, via: q.via },
      at: now,
    })
    return { result, threads }
  })
  for (const t of threads) deps.threadCache?.invalidateThread(t)
  deps.log.info('privacy: erased', { site: q.siteId, ...result, via: q.via })
  return result
}

/** The articles this reader follows on the site, for their privacy page (each with its own "Stop" button). */
export async function followsOf(deps: Deps, siteId: string, emailKey: string) {
  return (await findFollowsByEmailKey(deps.db, siteId, emailKey)).map((f) => ({ id: f.id, ...toExportFollow(f) }))
}

/** The privacy page's "Stop" on one followed article; only a follow of this reader's key. */
export async function stopFollow(deps: Deps, siteId: string, emailKey: string, followId: string): Promise<{ title: string } | null> {
  const now = deps.clock.now()
  const r = await deps.db.transaction().execute(async (trx) => {
    const f = (await findFollowsByEmailKey(trx, siteId, emailKey)).find((x) => x.id === followId)
    if (!f) return null
    if (!f.unsubscribed_at) await endFollows(trx, [f.id], now)
    return { title: f.title || f.uri }
  })
  if (r) deps.log.info('privacy: follow ended', { site: siteId })
  return r
}

// ─── Admins (desk, moderator API) ───────────────────────────────────────────────────────────

/** An admin looks up an address: the same JSON as the reader's download; audited with the key only. */
export async function adminExport(deps: Deps, m: ModeratorIdentity, siteId: string, email: string): Promise<PrivacyExport> {
  assertAdmin(m, siteId)
  await requireSite(deps.db, siteId)
  const emailKey = await deps.keys.emailKey(email)
  const data = await exportPrivacyData(deps, siteId, emailKey, email)
  await insertAuditEntry(deps.db, {
    siteId,
    commentId: null,
    actor: { id: m.id, email: m.email },
    action: 'privacy_export',
    from: null,
    to: null,
    reason: 'Looked up what the site holds about an address.',
    details: { emailKey, comments: data.comments.length },
    at: deps.clock.now(),
  })
  return data
}

export async function adminErase(deps: Deps, m: ModeratorIdentity, siteId: string, email: string): Promise<EraseResult> {
  assertAdmin(m, siteId)
  await requireSite(deps.db, siteId)
  return erasePrivacyData(deps, { siteId, emailKey: await deps.keys.emailKey(email), email, actor: { id: m.id, email: m.email }, via: 'desk' })
}
