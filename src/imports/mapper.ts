import type { CommentStatus, Reason } from '../../db/schema.js'
import type { Keyring } from '../privacy/keys.js'
import { MAX_NAME_LENGTH } from '../sites/settings.js'
import type { ImportCommentRow } from './import.repository.js'
import type { ImportFormat, SourceComment } from './source.js'

const LABEL: Record<ImportFormat, string> = { wordpress: 'WordPress', disqus: 'Disqus', parley: 'a Parley export' }

// PostgreSQL text cannot hold NUL; nothing a reader shows needs one.
const clean = (s: string) => (s.includes('\u0000') ? s.replace(/\u0000/g, '') : s)

/**
 * A source comment → our row. Privacy as for a posted comment: the email is kept for moderators
 * with its HMAC key (history, trusted mode, bans), the IP only as its HMAC key, never raw.
 */
export async function toCommentRow(
  keys: Keyring,
  c: SourceComment,
  at: { id: string; siteId: string; threadId: string; parentId: string | null; rootId: string; depth: number; format: ImportFormat; now: Date },
): Promise<ImportCommentRow> {
  const name = clean(c.name).slice(0, MAX_NAME_LENGTH)
  const email = c.email ? clean(c.email).trim() : null
  const emailKey = email ? await keys.emailKey(email) : null
  const x = c.extra
  const ipKey = x ? x.ipKey : c.ip ? await keys.ipKey(c.ip) : null
  const avatarKey = x ? x.avatarKey : await keys.avatarKey(email ? `e:${emailKey}` : `n:${name}`)
  const reasons: Reason[] = x ? x.reasons : [{ phase: 'import', message: `Imported from ${LABEL[at.format]} as ${statusWord(c.status)}.` }]
  return {
    id: at.id,
    site_id: at.siteId,
    thread_id: at.threadId,
    parent_id: at.parentId,
    root_id: at.rootId,
    depth: at.depth,
    status: c.status,
    body_md: clean(c.text),
    body_html: clean(c.html),
    author_name: name,
    author_email: email,
    author_url: c.url ? clean(c.url) : null,
    email_key: emailKey,
    avatar_key: avatarKey,
    ip_key: ipKey,
    user_agent: c.userAgent ? clean(c.userAgent).slice(0, 500) : null,
    user_id: null,
    // Imported comments are history: nobody holds an edit token for them.
    edit_token_hash: null,
    editable_until: null,
    notify_replies: x ? x.notifyReplies : false,
    reasons,
    open_reports: x ? x.reports.filter((r) => r.resolvedAt === null).length : 0,
    created_at: c.createdAt,
    edited_at: x ? x.editedAt : null,
    updated_at: x ? x.updatedAt : at.now,
  }
}

function statusWord(s: CommentStatus): string {
  return s === 'approved' ? 'approved' : s === 'pending' ? 'awaiting moderation' : s === 'spam' ? 'spam' : s === 'rejected' ? 'trash' : 'deleted'
}
