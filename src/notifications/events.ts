import type { CommentRow, CommentStatus, ThreadRow } from '../../db/schema.js'
import { commentApproved, confirmAddress, moderationNeeded, newCommentForAuthor, reply } from '../../emails/index.js'
import type { Trx } from '../db/index.js'
import type { Deps } from '../deps.js'
import { onCommentPublished } from '../follows/follow.service.js'
import { normaliseEmail } from '../privacy/keys.js'
import type { Site } from '../sites/site.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import {
  AUTOMATED_HEADERS,
  articleUrl,
  commentOnPageUrl,
  commenterHeaders,
  confirmUrl,
  modCommentUrl,
  moderateUrl,
  modQueueUrl,
  modThreadUrl,
  privacyRequestUrl,
  unsubscribeUrl,
} from './links.js'
import { enqueueMail } from './outbox.js'
import { countPending, findModeratorAddresses, findNotifiedAuthors, findUsersOfSite } from './recipients.repository.js'
import {
  ensureSubscription,
  findSubscription,
  isActive,
  lockSubscription,
  setConfirmSentAt,
} from './subscriptions.repository.js'

/**
 * What the comment and moderation services tell the mail side, inside their transaction,
 * so the outbox rows commit (or roll back) with the change that causes them.
 */
export interface CommentChange {
  site: Site
  comment: CommentRow
  from: CommentStatus | null
  to: CommentStatus
  actor: { id: string; email: string } | null
  /** How a moderator's action came (e.g. `undo`: a comment put back in the queue is not news to moderators). */
  via?: string
  /** The comment's thread as this transaction has it, when the caller holds it (saves reading it again). */
  /** `followed: false` when the post's own thread lookup saw nobody following it. */
  thread?: ThreadRow & { followed?: boolean }
}

const threadOf = (trx: Trx, change: CommentChange) => (change.thread ? Promise.resolve(change.thread) : findThreadById(trx, change.comment.thread_id))

/** At most one confirmation email per address and site in this window. */
export const CONFIRM_RESEND_MS = 24 * 3600_000

export async function onCommentChanged(trx: Trx, deps: Deps, change: CommentChange): Promise<void> {
  const { comment, from, to } = change
  if (to === 'pending' && from !== 'pending' && change.via !== 'undo') await notifyModerators(trx, deps, change)
  // Held or published, not spam: a bot must not be able to mail a stranger through us.
  if (from === null && (to === 'pending' || to === 'approved') && comment.notify_replies && comment.author_email)
    await requestConfirmation(trx, deps, change)
  if (to === 'approved' && from !== 'approved') {
    await notifyParentAuthor(trx, deps, change)
    if (from === 'pending') await notifyCommenterApproved(trx, deps, change)
    await notifyArticleAuthors(trx, deps, change)
    // Followers of the thread: it waits for their next digest (src/follows/digest.ts).
    if (change.thread?.followed !== false) await onCommentPublished(trx, deps, change.site, comment)
  }
}

function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && normaliseEmail(a) === normaliseEmail(b)
}

function reasonMessages(comment: CommentRow): string[] {
  const reasons = typeof comment.reasons === 'string' ? JSON.parse(comment.reasons) : comment.reasons
  return Array.isArray(reasons) ? reasons.map((r: { message?: unknown }) => String(r?.message ?? '')).filter(Boolean) : []
}

async function notifyModerators(trx: Trx, deps: Deps, change: CommentChange): Promise<void> {
  const { site, comment } = change
  if (!site.settings.notifyModerators) return
  const configured = site.settings.moderatorEmails
  const addresses = configured.length ? configured : await findModeratorAddresses(trx, site.id)
  const recipients = [...new Map(addresses.map((a) => [normaliseEmail(a), a])).values()]
  if (recipients.length === 0) return
  const thread = await threadOf(trx, change)
  const pendingCount = await countPending(trx, site.id)
  for (const to of recipients) {
    const key = await deps.keys.emailKey(to)
    const subject = { comment: comment.id, to: key }
    const mail = moderationNeeded({
      siteName: site.name,
      threadTitle: thread?.title || thread?.uri || '',
      threadUrl: thread ? articleUrl(site, thread.uri) : null,
      author: { name: comment.author_name, email: comment.author_email, url: comment.author_url },
      text: comment.body_md,
      reasons: reasonMessages(comment),
      pendingCount,
      links: {
        approve: await moderateUrl(deps, { ...subject, action: 'approve' }),
        reject: await moderateUrl(deps, { ...subject, action: 'reject' }),
        spam: await moderateUrl(deps, { ...subject, action: 'spam' }),
        queue: modQueueUrl(deps, site.id),
      },
    })
    await enqueueMail(trx, deps, {
      kind: 'moderation_needed',
      siteId: site.id,
      to,
      replyTo: comment.author_email,
      ...mail,
      headers: AUTOMATED_HEADERS,
      commentId: comment.id,
    })
  }
}

async function requestConfirmation(trx: Trx, deps: Deps, change: CommentChange): Promise<void> {
  const { site, comment } = change
  if (!site.settings.replyNotifications) return
  const email = comment.author_email!
  const key = comment.email_key ?? (await deps.keys.emailKey(email))
  const now = deps.clock.now()
  await ensureSubscription(trx, { siteId: site.id, emailKey: key, email, now })
  // Locked, so two posts at once cannot both decide to send.
  const sub = await lockSubscription(trx, site.id, key)
  if (!sub || isActive(sub)) return
  if (sub.confirm_sent_at && now.getTime() - new Date(sub.confirm_sent_at).getTime() < CONFIRM_RESEND_MS) return
  await setConfirmSentAt(trx, site.id, key, now)
  const thread = await threadOf(trx, change)
  const unsubscribe = await unsubscribeUrl(deps, site.id, key)
  const mail = confirmAddress({
    siteName: site.name,
    recipientName: comment.author_name,
    threadTitle: thread?.title || thread?.uri || '',
    confirmUrl: await confirmUrl(deps, site.id, key),
    unsubscribeUrl: unsubscribe,
    privacyUrl: privacyRequestUrl(deps, site.id, comment.lang),
    lang: comment.lang,
  })
  await enqueueMail(trx, deps, {
    kind: 'confirm_address',
    siteId: site.id,
    to: sub.email,
    ...mail,
    headers: commenterHeaders(unsubscribe),
    commentId: comment.id,
  })
}

async function notifyParentAuthor(trx: Trx, deps: Deps, change: CommentChange): Promise<void> {
  const { site, comment } = change
  if (!site.settings.replyNotifications || !comment.parent_id) return
  const parent = await trx.selectFrom('comments').selectAll().where('id', '=', comment.parent_id).executeTakeFirst()
  if (!parent || parent.status !== 'approved' || !parent.notify_replies || !parent.author_email || !parent.email_key) return
  if (sameAddress(parent.author_email, comment.author_email)) return
  const sub = await findSubscription(trx, site.id, parent.email_key)
  if (!sub || !isActive(sub)) return
  const thread = await threadOf(trx, change)
  const unsubscribe = await unsubscribeUrl(deps, site.id, parent.email_key)
  const mail = reply({
    siteName: site.name,
    threadTitle: thread?.title || thread?.uri || '',
    recipientName: parent.author_name,
    replyAuthorName: comment.author_name,
    parentText: parent.body_md,
    replyText: comment.body_md,
    commentUrl: thread ? commentOnPageUrl(site, thread.uri, comment.id) : null,
    unsubscribeUrl: unsubscribe,
    privacyUrl: privacyRequestUrl(deps, site.id, parent.lang),
    // The recipient's language: the page their own comment was written on.
    lang: parent.lang,
  })
  await enqueueMail(trx, deps, {
    kind: 'reply',
    siteId: site.id,
    to: sub.email,
    ...mail,
    headers: commenterHeaders(unsubscribe),
    // One per reply per recipient: a re-approval finds the row and adds nothing.
    dedupeKey: `reply:${comment.id}:${parent.email_key}`,
    commentId: comment.id,
  })
}

async function notifyCommenterApproved(trx: Trx, deps: Deps, change: CommentChange): Promise<void> {
  const { site, comment } = change
  if (!site.settings.replyNotifications || !comment.notify_replies || !comment.author_email) return
  const key = comment.email_key ?? (await deps.keys.emailKey(comment.author_email))
  const sub = await findSubscription(trx, site.id, key)
  if (!sub || !isActive(sub)) return
  const thread = await threadOf(trx, change)
  const unsubscribe = await unsubscribeUrl(deps, site.id, key)
  const mail = commentApproved({
    siteName: site.name,
    recipientName: comment.author_name,
    threadTitle: thread?.title || thread?.uri || '',
    text: comment.body_md,
    commentUrl: thread ? commentOnPageUrl(site, thread.uri, comment.id) : null,
    unsubscribeUrl: unsubscribe,
    privacyUrl: privacyRequestUrl(deps, site.id, comment.lang),
    lang: comment.lang,
  })
  await enqueueMail(trx, deps, {
    kind: 'comment_approved',
    siteId: site.id,
    to: sub.email,
    ...mail,
    headers: commenterHeaders(unsubscribe),
    dedupeKey: `approved:${comment.id}`,
    commentId: comment.id,
  })
}

async function notifyArticleAuthors(trx: Trx, deps: Deps, change: CommentChange): Promise<void> {
  const { site, comment } = change
  const thread = await threadOf(trx, change)
  if (!thread) return
  const handles = typeof thread.authors === 'string' ? JSON.parse(thread.authors) : thread.authors
  if (!Array.isArray(handles) || handles.length === 0) return
  const authors = await findNotifiedAuthors(trx, site.id, handles.map(String))
  if (authors.length === 0) return
  // The desk only helps an author who can sign in to it for this site.
  const team = await findUsersOfSite(trx, site.id)
  for (const author of authors) {
    if (sameAddress(author.email, comment.author_email)) continue
    const hasDesk = team.some((u) => sameAddress(u.email, author.email))
    const mail = newCommentForAuthor({
      siteName: site.name,
      recipientName: author.name,
      threadTitle: thread.title || thread.uri,
      commenterName: comment.author_name,
      text: comment.body_md,
      commentUrl: commentOnPageUrl(site, thread.uri, comment.id),
      desk: hasDesk ? { commentUrl: modCommentUrl(deps, site.id, comment.id), threadUrl: modThreadUrl(deps, site.id, thread.id) } : null,
    })
    await enqueueMail(trx, deps, {
      kind: 'new_comment_author',
      siteId: site.id,
      to: author.email,
      ...mail,
      headers: AUTOMATED_HEADERS,
      dedupeKey: `author:${comment.id}:${author.handle}`,
      commentId: comment.id,
    })
  }
}
