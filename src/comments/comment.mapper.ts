import type { CommentRow } from '../../db/schema.js'
import { toDate } from '../db/index.js'
import type { ThreadPageRow } from './comment.repository.js'

/** The public Comment of API.md. The only place a comment leaves for the public: no email here, ever. */
export interface PublicComment {
  id: string
  parentId: string | null
  depth: number
  author: { name: string; url: string | null; avatar: string }
  html: string
  createdAt: string
  editedAt: string | null
  status: 'approved' | 'pending' | 'deleted'
  replyCount: number
  /** The Markdown source: only on the author's own comments (their Bearer edit token), for editing. */
  body?: string
}

type Row = Pick<
  ThreadPageRow,
  'id' | 'parent_id' | 'depth' | 'status' | 'body_html' | 'author_name' | 'author_url' | 'avatar_key'
> & { created_at: Date | string; edited_at: Date | string | null; body_md?: string | null }

export function avatarUrl(publicUrl: string, avatarKey: string): string {
  return `${publicUrl}/avatar/${avatarKey}.svg`
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
      ? { name: '', url: null, avatar: '' }
      : { name: row.author_name, url: row.author_url, avatar: avatarUrl(publicUrl, row.avatar_key) },
    html: tombstone ? '' : row.body_html,
    createdAt: toDate(row.created_at).toISOString(),
    editedAt: row.edited_at ? toDate(row.edited_at).toISOString() : null,
    status,
    replyCount,
    ...(withSource && !tombstone && typeof row.body_md === 'string' ? { body: row.body_md } : {}),
  }
}
