import type { CommentStatus, Reason } from '../../db/schema.js'
import type { SiteSettings } from '../sites/settings.js'

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

const refuse = (phase: string, message: string, refusal: Refusal): Decision => ({
  kind: 'refuse',
  refusal,
  reasons: [{ phase, message }],
})
const decide = (phase: string, message: string, status: 'pending' | 'approved' | 'spam'): Decision => ({
  kind: 'status',
  status,
  reasons: [{ phase, message }],
})

export const closedPhase: Phase = ({ facts, settings, now }) => {
  if (facts.threadClosed) return refuse('closed', 'The thread is closed.', { code: 'comments_closed' })
  if (settings.closeAfterDays !== null) {
    const ageDays = (now.getTime() - facts.threadCreatedAt.getTime()) / 86_400_000
    if (ageDays > settings.closeAfterDays)
      return refuse('closed', `The thread is older than ${settings.closeAfterDays} days.`, { code: 'comments_closed' })
  }
  return null
}

export const banPhase: Phase = ({ facts }) =>
  facts.banned ? refuse('ban', 'The email or IP is banned.', { code: 'banned' }) : null

export const floodPhase: Phase = ({ facts, settings, now }) => {
  if (facts.isModerator || settings.floodSeconds === 0 || !facts.lastPostAt) return null
  const waited = (now.getTime() - facts.lastPostAt.getTime()) / 1000
  if (waited >= settings.floodSeconds) return null
  return refuse('flood', `Posted again within ${settings.floodSeconds} s.`, {
    code: 'rate_limited',
    retryAfterSeconds: Math.ceil(settings.floodSeconds - waited),
  })
}

export const duplicatePhase: Phase = ({ facts }) =>
  facts.duplicate ? refuse('duplicate', 'The same comment already exists.', { code: 'duplicate' }) : null

export const botPhase: Phase = ({ comment, settings }) => {
  if (comment.hp !== '') return decide('honeypot', 'The hidden honeypot field was filled in.', 'spam')
  if (comment.elapsedMs !== undefined && comment.elapsedMs < settings.minFillSeconds * 1000)
    return decide('too_fast', `The form was sent ${(comment.elapsedMs / 1000).toFixed(1)} s after it was shown.`, 'spam')
  return null
}

/** WordPress's key matching: case-insensitive substring, over every field and the stripped body. */
export function matchKey(keys: string[], comment: PipelineComment, stripped: string): string | null {
  const haystacks = [comment.name, comment.email, comment.url, comment.body, stripped, comment.ip, comment.userAgent].map(
    (s) => s.toLocaleLowerCase(),
  )
  for (const key of keys) {
    const k = key.trim().toLocaleLowerCase()
    if (k && haystacks.some((h) => h.includes(k))) return key
  }
  return null
}

const stripTags = (html: string) => html.replace(/<[^>]*>/g, '')

export const disallowedPhase: Phase = ({ comment, settings }) => {
  const key = matchKey(settings.disallowedKeys, comment, stripTags(comment.html))
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
  const key = matchKey(settings.moderationKeys, comment, stripTags(comment.html))
  return key === null ? null : decide('moderation_key', `Contains the moderation word "${key}".`, 'pending')
}

export const trustPhase: Phase = ({ settings, facts }) => {
  if (settings.moderationMode === 'post') return decide('post_moderation', 'The site publishes at once.', 'approved')
  return facts.previouslyApproved
    ? decide('trusted', 'The author has an earlier approved comment.', 'approved')
    : decide('first_comment', 'The author has no earlier approved comment.', 'pending')
}

export const phases: Phase[] = [
  closedPhase,
  banPhase,
  floodPhase,
  duplicatePhase,
  botPhase,
  disallowedPhase,
  moderatorPhase,
  preModerationPhase,
  linksPhase,
  moderationKeyPhase,
  trustPhase,
]

export function runPipeline(input: PipelineInput, only: Phase[] = phases): Decision {
  for (const phase of only) {
    const decision = phase(input)
    if (decision) return decision
  }
  return decide('trusted', 'No rule held it.', 'approved')
}

/** An edit runs the content rules again, not the ones about posting (flood, duplicate, bots). */
export const editPhases: Phase[] = [
  closedPhase,
  banPhase,
  disallowedPhase,
  moderatorPhase,
  preModerationPhase,
  linksPhase,
  moderationKeyPhase,
  trustPhase,
]
