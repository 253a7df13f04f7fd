import type { CommentStatus, Reason } from '../../db/schema.js'
import { toPublicComment, type PublicComment } from '../comments/comment.mapper.js'
import { markdownToText } from '../comments/markdown.js'
import { toDate } from '../db/index.js'
import type { ModCommentRow } from './queue.repository.js'

/** The moderator's view of a comment (API.md `ModComment`): the public Comment plus what only moderators see. */
export interface ModComment extends Omit<PublicComment, 'status'> {
  /** The real status (moderators also see rejected, spam and deleted comments as such). */
  status: CommentStatus
  site: string
  email: string | null
  /** HMAC of the IP (the raw IP is never stored): equal hashes mean the same IP. */
  ipHash: string | null
  thread: { id: string; uri: string; title: string }
  parent: { id: string; author: string; excerpt: string; status: CommentStatus } | null
  reports: { reason: string; details: string | null; at: string; resolved: boolean }[]
  openReports: number
  authorHistory: { approved: number; rejected: number; spam: number }
  reasons: Reason[]
}

const EXCERPT = 140

/** The first words of a comment as readers see them (no Markdown marks), on one line. */
function excerpt(markdown: string): string {
  const flat = markdownToText(markdown).replace(/\s+/g, ' ').trim()
  return [...flat].length > EXCERPT ? [...flat].slice(0, EXCERPT - 1).join('') + '…' : flat
}

/** The one place a comment leaves for moderators; the privacy tests aim here and at toPublicComment. */
export function toModComment(row: ModCommentRow, publicUrl: string): ModComment {
  // Moderators see a deleted comment's content: map it as if visible, then restore the real status.
  const base = toPublicComment(
    { ...row, status: row.status === 'deleted' ? 'approved' : row.status },
    publicUrl,
    Number(row.reply_count),
  )
  return {
    ...base,
    status: row.status,
    site: row.site_id,
    email: row.author_email,
    ipHash: row.ip_key,
    thread: { id: row.thread_id, uri: row.thread_uri, title: row.thread_title },
    parent: row.parent
      ? { id: row.parent.id, author: row.parent.author, excerpt: excerpt(row.parent.body), status: row.parent.status }
      : null,
    reports: row.reports.map((r) => ({ reason: r.reason, details: r.details, at: toDate(r.at).toISOString(), resolved: r.resolved })),
    openReports: row.open_reports,
    authorHistory: {
      approved: Number(row.history.approved),
      rejected: Number(row.history.rejected),
      spam: Number(row.history.spam),
    },
    reasons: row.reasons,
  }
}
