import type { Deps } from '../deps.js'
import type { Site } from '../sites/site.service.js'
import { signToken, type ModerateSubject } from './tokens.js'

/** The URLs emails carry. Tokens name subjects by keys, never by an email address. */

export async function unsubscribeUrl(deps: Deps, siteId: string, emailKey: string): Promise<string> {
  const token = await signToken(deps.keys, 'unsubscribe', { site: siteId, key: emailKey }, deps.clock.now())
  return `${deps.config.publicUrl}/email/unsubscribe?token=${token}`
}

export async function confirmUrl(deps: Deps, siteId: string, emailKey: string): Promise<string> {
  const token = await signToken(deps.keys, 'confirm', { site: siteId, key: emailKey }, deps.clock.now())
  return `${deps.config.publicUrl}/email/confirm?token=${token}`
}

/** A follow's confirm and unsubscribe links (the follow's id, never its address). */
export async function followConfirmUrl(deps: Deps, siteId: string, followId: string): Promise<string> {
  const token = await signToken(deps.keys, 'follow_confirm', { site: siteId, follow: followId }, deps.clock.now())
  return `${deps.config.publicUrl}/email/follow/confirm?token=${token}`
}

export async function followUnsubscribeUrl(deps: Deps, siteId: string, followId: string): Promise<string> {
  const token = await signToken(deps.keys, 'follow_unsubscribe', { site: siteId, follow: followId }, deps.clock.now())
  return `${deps.config.publicUrl}/email/follow/unsubscribe?token=${token}`
}

export async function moderateUrl(deps: Deps, subject: ModerateSubject): Promise<string> {
  const token = await signToken(deps.keys, 'moderate', subject, deps.clock.now())
  return `${deps.config.publicUrl}/email/moderate?token=${token}`
}

/** The reader's privacy page for a site (see, download or erase their data); no token, no address. */
export function privacyRequestUrl(deps: Deps, siteId: string, lang?: string | null): string {
  // The privacy email then speaks the language the commenter's other emails did.
  const l = lang && lang !== 'en' ? `&lang=${encodeURIComponent(lang)}` : ''
  return `${deps.config.publicUrl}/privacy?site=${encodeURIComponent(siteId)}${l}`
}

/** The article on the publisher's site: the site's first origin + the thread's path. */
export function articleUrl(site: Site, uri: string): string | null {
  const origin = site.settings.origins[0]
  return origin ? `${origin}${uri}` : null
}

/** A comment on the article page; the widget gives each comment the element id `comment-<id>`. */
export function commentOnPageUrl(site: Site, uri: string, commentId: string): string | null {
  const a = articleUrl(site, uri)
  return a ? `${a}#comment-${commentId}` : null
}

export function modQueueUrl(deps: Deps, siteId: string): string {
  return `${deps.config.publicUrl}/mod?site=${encodeURIComponent(siteId)}&queue=pending`
}

export function modCommentUrl(deps: Deps, siteId: string, commentId: string): string {
  return `${deps.config.publicUrl}/mod?site=${encodeURIComponent(siteId)}&comment=${encodeURIComponent(commentId)}`
}

export function modThreadUrl(deps: Deps, siteId: string, threadId: string): string {
  return `${deps.config.publicUrl}/mod?site=${encodeURIComponent(siteId)}&thread=${encodeURIComponent(threadId)}`
}

/** RFC 8058 one-click unsubscribe, plus the marker that this is automated mail. */
export function commenterHeaders(unsubscribe: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribe}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Auto-Submitted': 'auto-generated',
  }
}

export const AUTOMATED_HEADERS: Record<string, string> = { 'Auto-Submitted': 'auto-generated' }
