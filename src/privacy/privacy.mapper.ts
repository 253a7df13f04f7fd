import type { Selectable } from 'kysely'
import type { SubscriptionsTable } from '../../db/schema.js'
import { toDate } from '../db/index.js'
import type { OwnCommentRow } from './privacy.repository.js'
import type { OwnFollowRow } from '../follows/follow.repository.js'

/**
 * What a reader's download holds: their own comments and subscriptions on one site, exactly as
 * given, and nothing about anyone else (no replies, no reports, no IP keys).
 */
export interface PrivacyExport {
  site: string
  email: string | null
  comments: ExportComment[]
  subscriptions: ExportSubscription[]
}

export interface ExportComment {
  id: string
  uri: string
  title: string
  status: string
  /** The text as written (Markdown). */
  body: string
  html: string
  name: string
  email: string | null
  url: string | null
  parentId: string | null
  createdAt: string
  editedAt: string | null
}

export interface ExportSubscription {
  /** null: every reply email of the site; else the article followed (issue 15: new comments on it). */
  uri: string | null
  /** The followed article's title (follows only). */
  title?: string
  createdAt: string
  confirmedAt: string | null
  unsubscribedAt: string | null
}

const iso = (d: Date | string | null) => (d === null ? null : toDate(d).toISOString())

export function toExportComment(r: OwnCommentRow): ExportComment {
  return {
    id: r.id,
    uri: r.uri,
    title: r.title,
    status: r.status,
    body: r.body_md,
    html: r.body_html,
    name: r.author_name,
    email: r.author_email,
    url: r.author_url,
    parentId: r.parent_id,
    createdAt: iso(r.created_at)!,
    editedAt: iso(r.edited_at),
  }
}

export function toExportSubscription(s: Selectable<SubscriptionsTable>): ExportSubscription {
  return {
    uri: null,
    createdAt: iso(s.created_at)!,
    confirmedAt: iso(s.confirmed_at),
    unsubscribedAt: iso(s.unsubscribed_at),
  }
}

/** A followed article, as a subscription to its new comments. */
export function toExportFollow(f: OwnFollowRow): ExportSubscription {
  return {
    uri: f.uri,
    title: f.title,
    createdAt: iso(f.created_at)!,
    confirmedAt: iso(f.confirmed_at),
    unsubscribedAt: iso(f.unsubscribed_at),
  }
}
