import type { CommentRow, CommentStatus } from '../../db/schema.js'
import type { Trx } from '../db/index.js'
import type { Deps } from '../deps.js'
import type { Site } from '../sites/site.service.js'

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
}

export async function onCommentChanged(_trx: Trx, _deps: Deps, _change: CommentChange): Promise<void> {
  // The email outbox hooks in here.
}
