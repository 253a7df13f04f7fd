import type { CommentStatus } from '../../db/schema.js'

export const MODERATION_ACTIONS = ['approve', 'reject', 'spam', 'restore', 'delete'] as const
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]

/**
 * The one table of allowed moderation transitions: action → (from → to).
 * Anything not listed is a 409 invalid_transition.
 */
export const TRANSITIONS: Record<ModerationAction, Partial<Record<CommentStatus, CommentStatus>>> = {
  approve: { pending: 'approved', rejected: 'approved', spam: 'approved' },
  reject: { pending: 'rejected', approved: 'rejected', spam: 'rejected' },
  spam: { pending: 'spam', approved: 'spam', rejected: 'spam' },
  // Back to the queue for a fresh decision.
  restore: { rejected: 'pending', spam: 'pending', deleted: 'pending' },
  delete: { pending: 'deleted', approved: 'deleted', rejected: 'deleted', spam: 'deleted' },
}

/**
 * The status an action leads to, or null when it is not allowed. Approving a published
 * comment that has open reports is allowed: it is how a moderator dismisses the reports.
 */
export function nextStatus(action: ModerationAction, from: CommentStatus, openReports = 0): CommentStatus | null {
  if (action === 'approve' && from === 'approved' && openReports > 0) return 'approved'
  return TRANSITIONS[action][from] ?? null
}
