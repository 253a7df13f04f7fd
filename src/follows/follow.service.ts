import { z } from 'zod'
import { emailLang } from '../../emails/i18n.js'
import { followConfirm } from '../../emails/index.js'
import type { Trx } from '../db/index.js'
import type { Deps } from '../deps.js'
import { AppError, rateLimited } from '../errors.js'
import { newId } from '../lib/ids.js'
import { articleUrl, followConfirmUrl, followUnsubscribeUrl, commenterHeaders, privacyRequestUrl } from '../notifications/links.js'
import { enqueueMail } from '../notifications/outbox.js'
import { verifyToken } from '../notifications/tokens.js'
import { uriSchema } from '../comments/comment.schemas.js'
import { privacyEmailSchema } from '../privacy/privacy.service.js'
import { getSite, siteIdSchema, type Site } from '../sites/site.service.js'
import { findThreadBySiteUri, upsertThread } from '../threads/thread.repository.js'
import { threadKey } from '../threads/uri.js'
import type { CommentRow } from '../../db/schema.js'
import {
  confirmFollow,
  countFollowRequestsByIp,
  endFollows,
  findFollow,
  isFollowing,
  lockFollow,
  queueForFollowers,
  setFollowConfirmSent,
  upsertFollow,
} from './follow.repository.js'

/**
 * Following a discussion without commenting (issue 15): "Email me new comments on this article".
 * A request makes (or finds) the follow and sends a confirmation; only a confirmed follow gets
 * digests (digest.ts), at most one per `followDigestMinutes` per follow; one click unsubscribes.
 */

/** Follow requests per IP key in an hour (asking again for the same follow counts once). */
export const FOLLOW_REQUESTS_PER_IP_HOUR = 20
/** At most one confirmation email per follow in this window. */
export const FOLLOW_CONFIRM_RESEND_MS = 24 * 3600_000

export const followRequestSchema = z.object({
  site: siteIdSchema,
  uri: uriSchema,
  title: z.string().max(500, 'must be at most 500 characters').optional(),
  email: privacyEmailSchema,
  // The page's language: the confirmation and the digests speak it when they can.
  lang: z
    .string()
    .max(35, 'must be at most 35 characters')
    .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag like es or pt-BR')
    .optional(),
})
export type FollowRequest = z.infer<typeof followRequestSchema>

/**
 * Asks to follow a thread. The caller answers 202 whatever happens here: a confirmation goes
 * out only when the follow is not confirmed yet and none went in the last 24 hours, so the
 * answer never tells whether the address already follows. Rate limited per IP key (429).
 */
export async function requestFollow(deps: Deps, site: Site, input: FollowRequest, ip: string | null): Promise<void> {
  if (!site.settings.follows) throw new AppError('forbidden', 403, 'This site does not offer following by email.')
  const now = deps.clock.now()
  const emailKey = await deps.keys.emailKey(input.email)
  const ipKey = ip ? await deps.keys.ipKey(ip) : null
  const uri = threadKey(input.uri, site.settings.threadQueryParams)
  const lang = emailLang(input.lang)
  await deps.db.transaction().execute(async (trx) => {
    if (ipKey) {
      const recent = await countFollowRequestsByIp(trx, ipKey, new Date(now.getTime() - 3600_000))
      if (recent.n >= FOLLOW_REQUESTS_PER_IP_HOUR) {
        const first = recent.first?.getTime() ?? now.getTime()
        throw rateLimited((first + 3600_000 - now.getTime()) / 1000, 'Too many requests from your network; try again later.')
      }
    }
    const title = input.title?.trim() ?? ''
    const found = await findThreadBySiteUri(trx, site.id, uri)
    // A follow names a page, like a read: its title is the weakest source, and fills only an empty one.
    const thread = found && (found.title || !title) ? found : await upsertThread(trx, { siteId: site.id, uri, title, now, source: 'read' })
    const follow = await upsertFollow(trx, { id: newId(), siteId: site.id, threadId: thread.id, emailKey, email: input.email, lang, ipKey, now })
    if (isFollowing(follow)) return
    if (follow.confirm_sent_at && now.getTime() - new Date(follow.confirm_sent_at).getTime() < FOLLOW_CONFIRM_RESEND_MS) return
    await setFollowConfirmSent(trx, follow.id, lang, now)
    const unsubscribe = await followUnsubscribeUrl(deps, site.id, follow.id)
    const mail = followConfirm({
      siteName: site.name,
      threadTitle: thread.title || thread.uri,
      threadUrl: articleUrl(site, thread.uri),
      confirmUrl: await followConfirmUrl(deps, site.id, follow.id),
      unsubscribeUrl: unsubscribe,
      digestMinutes: site.settings.followDigestMinutes,
      privacyUrl: privacyRequestUrl(deps, site.id, lang),
      lang,
    })
    await enqueueMail(trx, deps, { kind: 'follow_confirm', siteId: site.id, to: follow.email, ...mail, headers: commenterHeaders(unsubscribe) })
  })
  // Never whether it was new or mailed: the log must not answer "does this address follow?".
  deps.log.info('follow requested', { site: site.id })
}

export type FollowLinkOutcome = 'done' | 'already' | 'missing'

export interface FollowLinkView {
  site: Site | null
  threadTitle: string | null
  following: boolean | null
}

/** What a follow link names, for the page behind it (changes nothing). Null: a bad token. */
export async function inspectFollowToken(deps: Deps, purpose: 'follow_confirm' | 'follow_unsubscribe', token: string | undefined): Promise<FollowLinkView | null> {
  const s = await verifyToken(deps.keys, purpose, token, deps.clock.now())
  if (!s) return null
  const f = await findFollow(deps.db, s.site, s.follow)
  return {
    site: (await getSite(deps.db, s.site)) ?? null,
    threadTitle: f ? f.title || f.uri : null,
    following: f ? isFollowing(f) : null,
  }
}

async function actOnFollow(
  deps: Deps,
  purpose: 'follow_confirm' | 'follow_unsubscribe',
  token: string | undefined,
): Promise<{ outcome: FollowLinkOutcome; view: FollowLinkView } | null> {
  const now = deps.clock.now()
  const s = await verifyToken(deps.keys, purpose, token, now)
  if (!s) return null
  const outcome = await deps.db.transaction().execute(async (trx: Trx): Promise<FollowLinkOutcome> => {
    const f = await lockFollow(trx, s.site, s.follow)
    if (!f) return 'missing'
    if (purpose === 'follow_confirm') {
      if (isFollowing(f)) return 'already'
      await confirmFollow(trx, f.id, now)
      return 'done'
    }
    if (f.unsubscribed_at) return 'already'
    await endFollows(trx, [f.id], now)
    return 'done'
  })
  if (outcome === 'done') deps.log.info(purpose === 'follow_confirm' ? 'follow confirmed' : 'follow ended', { site: s.site })
  const view = await inspectFollowToken(deps, purpose, token)
  return { outcome, view: view! }
}

export const confirmFollowByToken = (deps: Deps, token: string | undefined) => actOnFollow(deps, 'follow_confirm', token)
export const unfollowByToken = (deps: Deps, token: string | undefined) => actOnFollow(deps, 'follow_unsubscribe', token)

/**
 * A comment became published (posted so, or approved later): it waits for the next digest of
 * the thread's confirmed followers, but not its own author's. Called in the change's transaction.
 */
export async function onCommentPublished(trx: Trx, deps: Deps, site: Site, comment: CommentRow): Promise<void> {
  if (!site.settings.follows) return
  const authorKey = comment.email_key ?? (comment.author_email ? await deps.keys.emailKey(comment.author_email) : null)
  await queueForFollowers(trx, {
    threadId: comment.thread_id,
    commentId: comment.id,
    authorKey,
    now: deps.clock.now(),
    windowMinutes: site.settings.followDigestMinutes,
  })
}
