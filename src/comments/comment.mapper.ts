import type { Badge, CommentRow } from '../../db/schema.js'
import { toDate } from '../db/index.js'
import type { ThreadPageRow } from './comment.repository.js'

/** The public Comment of API.md. The only place a comment leaves for the public: no email here, ever. */
export interface PublicComment {
  id: string
  parentId: string | null
  depth: number
  /** `badge`: "staff" (posted by a moderator of the site from the desk), "author" (by the thread's article author), else null. */
  author: { name: string; url: string | null; avatar: string; badge: Badge | null }
  html: string
  createdAt: string
  editedAt: string | null
  status: 'approved' | 'pending' | 'deleted'
  replyCount: number
  upvotes: number
  downvotes: number
  /** The reader's own vote (1, -1 or 0): only on reads that name their voter (`X-Parley-Voter`). */
  myVote?: 1 | -1 | 0
  /** The Markdown source: only on the author's own comments (their Bearer edit token), for editing. */
  body?: string
}

type Row = Pick<
  ThreadPageRow,
  'id' | 'parent_id' | 'depth' | 'status' | 'body_html' | 'author_name' | 'author_url' | 'avatar_key'
> & {
  created_at: Date | string
  edited_at: Date | string | null
  body_md?: string | null
  upvotes?: number
  downvotes?: number
  badge?: Badge | null
}

export function avatarUrl(publicUrl: string, avatarKey: string): string {
  return `${publicUrl}/avatar/${avatarKey}.svg`
}

/** The picture of an author whose comment is not published: the same for everyone, derived from nothing. */
export function defaultAvatarUrl(publicUrl: string): string {
  return `${publicUrl}/avatar/default.svg`
}

/** `withSource`: the requester owns the comment (its edit token), so its Markdown source goes along. */
export function toPublicComment(row: Row | CommentRow, publicUrl: string, replyCount = 0, withSource = false): PublicComment {
  // Spam is shown to its own author as pending: bots learn nothing.
  const status = row.status === 'approved' ? 'approved' : row.status === 'deleted' ? 'deleted' : 'pending'
  const tombstone = status === 'deleted'
  return {
    id: row.id,
    parentId: row.parent_id,
    depth: row.depth,
    author: tombstone
      ? { name: '', url: null, avatar: '', badge: null }
      : {
          name: row.author_name,
          url: row.author_url,
          // Until a comment is published its author gets no email-derived picture: otherwise a held
          // or spam post with a guessed address would answer with that address's avatar.
          avatar: status === 'approved' ? avatarUrl(publicUrl, row.avatar_key) : defaultAvatarUrl(publicUrl),
          badge: row.badge ?? null,
        },
    html: tombstone ? '' : row.body_html,
    createdAt: toDate(row.created_at).toISOString(),
    editedAt: row.edited_at ? toDate(row.edited_at).toISOString() : null,
    status,
    replyCount,
    // A tombstone says nothing about the comment it replaced, its votes included.
    upvotes: tombstone ? 0 : (row.upvotes ?? 0),
    downvotes: tombstone ? 0 : (row.downvotes ?? 0),
    ...(withSource && !tombstone && typeof row.body_md === 'string' ? { body: row.body_md } : {}),
  }
}
