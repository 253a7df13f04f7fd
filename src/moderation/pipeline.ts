import type { CommentStatus, Reason } from '../../db/schema.js'
import type { SiteSettings } from '../sites/settings.js'
import { stripTags } from './strip-tags.js'

/**
 * The moderation pipeline (DESIGN.md): ordered phases, the first that decides stops it.
 * Each phase is a pure function of the comment, the site's settings and facts gathered
 * from the database beforehand, so every rule can be tested on its own.
 */

export interface PipelineComment {
  name: string
  email: string
  url: string
  body: string
  html: string
  ip: string
  userAgent: string
  hp: string
  /** Milliseconds the form was open, when the widget says so. */
  elapsedMs: number | undefined
  linkCount: number
}

export interface PipelineFacts {
  threadClosed: boolean
  threadCreatedAt: Date
  banned: boolean
  /** The newest comment from the same IP or email within the flood window. */
  lastPostAt: Date | null
  duplicate: boolean
  isModerator: boolean
  previouslyApproved: boolean
}

export interface PipelineInput {
  comment: PipelineComment
  settings: SiteSettings
  facts: PipelineFacts
  now: Date
}

export type Refusal =
  | { code: 'comments_closed' }
  | { code: 'banned' }
  | { code: 'rate_limited'; retryAfterSeconds: number }
  | { code: 'duplicate' }

export type Decision =
  | { kind: 'refuse'; refusal: Refusal; reasons: Reason[] }
  | { kind: 'status'; status: Extract<CommentStatus, 'pending' | 'approved' | 'spam'>; reasons: Reason[] }

type Phase = (input: PipelineInput) => Decision | null
/** What the refusal phases read: no comment text, so they run before anything is rendered. */
export type RefusalInput = Pick<PipelineInput, 'settings' | 'facts' | 'now'>
export type Refused = Extract<Decision, { kind: 'refuse' }>
type RefusalPhase = (input: RefusalInput) => Refused | null

const refuse = (phase: string, message: string, refusal: Refusal): Refused => ({
  kind: 'refuse',
  refusal,
  reasons: [{ phase, message }],
})
const decide = (phase: string, message: string, status: 'pending' | 'approved' | 'spam'): Decision => ({
  kind: 'status',
  status,
  reasons: [{ phase, message }],
})

export const closedPhase: RefusalPhase = ({ facts, settings, now }) => {
  if (facts.threadClosed) return refuse('closed', 'The thread is closed.', { code: 'comments_closed' })
  if (settings.closeAfterDays !== null) {
    const ageDays = (now.getTime() - facts.threadCreatedAt.getTime()) / 86_400_000
    if (ageDays > settings.closeAfterDays)
      return refuse('closed', `The thread is older than ${settings.closeAfterDays} days.`, { code: 'comments_closed' })
  }
  return null
}

export const banPhase: RefusalPhase = ({ facts }) =>
  facts.banned ? refuse('ban', 'The email or IP is banned.', { code: 'banned' }) : null

export const floodPhase: RefusalPhase = ({ facts, settings, now }) => {
  if (facts.isModerator || settings.floodSeconds === 0 || !facts.lastPostAt) return null
  const waited = (now.getTime() - facts.lastPostAt.getTime()) / 1000
  if (waited >= settings.floodSeconds) return null
  return refuse('flood', `Posted again within ${settings.floodSeconds} s.`, {
    code: 'rate_limited',
    retryAfterSeconds: Math.ceil(settings.floodSeconds - waited),
  })
}

export const duplicatePhase: RefusalPhase = ({ facts }) =>
  facts.duplicate ? refuse('duplicate', 'The same comment already exists.', { code: 'duplicate' }) : null

export const botPhase: Phase = ({ comment, settings }) => {
  if (comment.hp !== '') return decide('honeypot', 'The hidden honeypot field was filled in.', 'spam')
  if (comment.elapsedMs !== undefined && comment.elapsedMs < settings.minFillSeconds * 1000)
    return decide('too_fast', `The form was sent ${(comment.elapsedMs / 1000).toFixed(1)} s after it was shown.`, 'spam')
  return null
}

/**
 * WordPress's key matching (`wp_check_comment_disallowed_list`): a case-insensitive substring of
 * the name, email, url, body, the body with its HTML tags stripped (`we are <b>half</b>way`
 * holds `halfway`), IP or user agent — and of the rendered text (Markdown's `half**way**`).
 */
export function matchKey(keys: string[], comment: PipelineComment): string | null {
  if (!keys.some((k) => k.trim())) return null
  const haystacks = [
    comment.name,
    comment.email,
    comment.url,
    comment.body,
    stripTags(comment.body),
    stripTags(comment.html),
    comment.ip,
    comment.userAgent,
  ].map((s) => s.toLocaleLowerCase())
  for (const key of keys) {
    const k = key.trim().toLocaleLowerCase()
    if (k && haystacks.some((h) => h.includes(k))) return key
  }
  return null
}

export const disallowedPhase: Phase = ({ comment, settings }) => {
  const key = matchKey(settings.disallowedKeys, comment)
  return key === null ? null : decide('disallowed_key', `Contains the disallowed word "${key}".`, 'spam')
}

export const moderatorPhase: Phase = ({ facts }) =>
  facts.isModerator ? decide('moderator', 'Posted by a signed-in moderator.', 'approved') : null

export const preModerationPhase: Phase = ({ settings }) =>
  settings.moderationMode === 'pre' ? decide('pre_moderation', 'The site holds every comment for review.', 'pending') : null

export const linksPhase: Phase = ({ comment, settings }) =>
  settings.maxLinks > 0 && comment.linkCount >= settings.maxLinks
    ? decide('links', `Has ${comment.linkCount} links; comments with ${settings.maxLinks} or more are held.`, 'pending')
    : null

export const moderationKeyPhase: Phase = ({ comment, settings }) => {
  const key = matchKey(settings.moderationKeys, comment)
  return key === null ? null : decide('moderation_key', `Contains the moderation word "${key}".`, 'pending')
}

export const trustPhase: Phase = ({ settings, facts }) => {
  if (settings.moderationMode === 'post') return decide('post_moderation', 'The site publishes at once.', 'approved')
  return facts.previouslyApproved
    ? decide('trusted', 'The author has an earlier approved comment.', 'approved')
    : decide('first_comment', 'The author has no earlier approved comment.', 'pending')
}

/** Refusals that need only the facts: decided before the body is rendered (cheap first). */
export const refusalPhases: RefusalPhase[] = [closedPhase, banPhase, floodPhase, duplicatePhase]

/** The rest decide a status from the comment itself. */
export const contentPhases: Phase[] = [
  botPhase,
  disallowedPhase,
  moderatorPhase,
  preModerationPhase,
  linksPhase,
  moderationKeyPhase,
  trustPhase,
]

export const phases: Phase[] = [...refusalPhases, ...contentPhases]

export function runPipeline(input: PipelineInput, only: Phase[] = phases): Decision {
  for (const phase of only) {
    const decision = phase(input)
    if (decision) return decision
  }
  return decide('trusted', 'No rule held it.', 'approved')
}

/** The first refusal among `only` (default: every refusal phase), or null. */
export function firstRefusal(input: RefusalInput, only: RefusalPhase[] = refusalPhases): Refused | null {
  for (const phase of only) {
    const decision = phase(input)
    if (decision) return decision
  }
  return null
}

/** An edit meets the refusals about the thread and the author, not those about posting (flood, duplicate). */
export const editRefusalPhases: RefusalPhase[] = [closedPhase, banPhase]

/** …and the content rules of a new comment, but the bot checks (an edit has no form timing or honeypot). */
export const editPhases: Phase[] = contentPhases.filter((p) => p !== botPhase)
