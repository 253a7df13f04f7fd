import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string | T, string | T>

export type CommentStatus = 'pending' | 'approved' | 'rejected' | 'spam' | 'deleted'
export type Role = 'admin' | 'moderator'

export interface Reason {
  phase: string
  message: string
}

export interface MetaTable {
  key: string
  value: string
}

export interface SitesTable {
  id: string
  name: string
  settings: Json<Record<string, unknown>>
  created_at: Timestamp
}

/** A post's change to its thread, insert-only (migration 0014): +n approved comments, +1 version. */
export interface ThreadDeltasTable {
  id: Generated<string>
  thread_id: string
  n: number
}

export interface ThreadsTable {
  id: string
  site_id: string
  uri: string
  title: Generated<string>
  closed: Generated<boolean>
  authors: Json<string[]>
  comment_count: Generated<number>
  version: Generated<number>
  /** Where the title came from: a bare read < the publisher's page < a comment < a moderator. */
  title_source: Generated<TitleSource>
  created_at: Timestamp
  updated_at: Timestamp
}

export type TitleSource = 'read' | 'page' | 'comment' | 'moderator'

export interface UsersTable {
  id: string
  email: string
  name: Generated<string>
  password_hash: string | null
  /** A role on every site (an admin or moderator of every site); null: only the sites in site_roles. */
  global_role: Role | null
  created_at: Timestamp
}

/** A user's role on one site (issue 10: roles belong to a site). */
export interface SiteRolesTable {
  site_id: string
  user_id: string
  role: Role
  created_at: Timestamp
}

export interface SessionsTable {
  id: string
  user_id: string
  expires_at: Timestamp
}

export interface LoginFailuresTable {
  id: Generated<string>
  email: string
  ip_key: string | null
  at: Timestamp
}

export interface CommentsTable {
  id: string
  seq: Generated<string>
  site_id: string
  thread_id: string
  parent_id: string | null
  root_id: string
  depth: number
  status: CommentStatus
  body_md: string
  body_html: string
  author_name: string
  author_email: string | null
  author_url: string | null
  email_key: string | null
  avatar_key: string
  ip_key: string | null
  user_agent: string | null
  user_id: string | null
  edit_token_hash: string | null
  editable_until: Timestamp | null
  notify_replies: Generated<boolean>
  reasons: Json<Reason[]>
  open_reports: Generated<number>
  created_at: Timestamp
  edited_at: Timestamp | null
  updated_at: Timestamp
  /** The page's language when the comment was written (emails to its author use it); null: English. */
  lang: ColumnType<string | null, string | null | undefined, string | null>
  upvotes: Generated<number>
  downvotes: Generated<number>
  /** Wilson lower bound (95%) of upvotes / (upvotes + downvotes); 0 without votes. */
  best_score: Generated<number>
  /** Earned when posted: 'staff' (a site moderator, from the desk), 'author' (the thread's article author). */
  badge: Generated<Badge | null>
}

export type Badge = 'staff' | 'author'

/** One reader's vote on one comment; the reader only as an HMAC of their voter token. */
export interface CommentVotesTable {
  comment_id: string
  voter_key: string
  site_id: string
  thread_id: string
  /** 1, -1, or 0 once taken back (the row stays: the IP rate limit counts it). */
  value: number
  ip_key: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

/** A reader following one thread by email (double opt-in), and when their last digest went. */
export interface ThreadFollowsTable {
  id: string
  site_id: string
  thread_id: string
  email_key: string
  email: string
  lang: string | null
  confirmed_at: Timestamp | null
  unsubscribed_at: Timestamp | null
  confirm_sent_at: Timestamp | null
  last_digest_at: Timestamp | null
  created_at: Timestamp
  /** The latest request's IP key (the rate limit of POST /api/follows; cleared after a day) and time. */
  ip_key: ColumnType<string | null, string | null | undefined, string | null>
  requested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** When the next digest may go; null: no comment is waiting. */
  digest_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

/** A published comment waiting for a follow's next digest (0012). */
export interface ThreadFollowCommentsTable {
  follow_id: string
  comment_id: string
  added_at: Timestamp
}

export interface ModerationActionsTable {
  id: Generated<string>
  /** null: a global action (a global ban). */
  site_id: string | null
  comment_id: string | null
  actor_id: string | null
  actor_email: string | null
  action: string
  from_status: string | null
  to_status: string | null
  reason: string | null
  details: Json<Record<string, unknown> | null> | null
  at: Timestamp
}

export interface ReportsTable {
  id: Generated<string>
  comment_id: string
  site_id: string
  reason: string
  details: string | null
  ip_key: string | null
  created_at: Timestamp
  resolved_at: Timestamp | null
}

export interface BansTable {
  id: string
  site_id: string | null
  email: string | null
  email_key: string | null
  ip_key: string | null
  reason: Generated<string>
  expires_at: Timestamp | null
  created_by: string | null
  created_at: Timestamp
}

export interface SiteAuthorsTable {
  site_id: string
  handle: string
  name: string
  email: string
  notify: Generated<boolean>
  created_at: Timestamp
}

export interface SubscriptionsTable {
  site_id: string
  email_key: string
  email: string
  confirmed_at: Timestamp | null
  unsubscribed_at: Timestamp | null
  confirm_sent_at: Timestamp | null
  created_at: Timestamp
}

export interface EmailOutboxTable {
  id: string
  message_id: string
  dedupe_key: string | null
  site_id: string | null
  kind: string
  to_address: string
  reply_to: string | null
  subject: string
  text_body: string
  html_body: string
  headers: Json<Record<string, string>>
  status: Generated<'pending' | 'sent' | 'failed'>
  attempts: Generated<number>
  next_attempt_at: Timestamp
  last_error: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
  /** The comment the email is about (quotes it, or names it); null for other mail. */
  comment_id: Generated<string | null>
}

/** Where an imported comment came from; (site, source, source id) is unique. */
export interface CommentImportsTable {
  site_id: string
  source: string
  source_id: string
  comment_id: string
}

export interface DevMailboxTable {
  id: Generated<string>
  message_id: string
  from_address: string
  to_address: string
  reply_to: string | null
  subject: string
  text_body: string
  html_body: string
  headers: Json<Record<string, string>>
  created_at: Timestamp
}

/** A reader asked for their privacy link (known address or not). */
export interface PrivacyRequestsTable {
  id: Generated<string>
  site_id: string
  email_key: string
  ip_key: string | null
  mailed: Generated<boolean>
  created_at: Timestamp
}

/** Per-site queue counts as insert-only deltas, written by triggers on comments (0008); summed on read. */
export interface CommentCountsTable {
  site_id: string
  /** A comment status, or `reported` (approved with open reports). */
  queue: string
  n: ColumnType<string, number | string, number | string>
}

export interface DB {
  meta: MetaTable
  sites: SitesTable
  threads: ThreadsTable
  users: UsersTable
  site_roles: SiteRolesTable
  sessions: SessionsTable
  login_failures: LoginFailuresTable
  comments: CommentsTable
  moderation_actions: ModerationActionsTable
  reports: ReportsTable
  bans: BansTable
  site_authors: SiteAuthorsTable
  subscriptions: SubscriptionsTable
  email_outbox: EmailOutboxTable
  dev_mailbox: DevMailboxTable
  comment_imports: CommentImportsTable
  privacy_requests: PrivacyRequestsTable
  comment_counts: CommentCountsTable
  thread_deltas: ThreadDeltasTable
  comment_votes: CommentVotesTable
  thread_follows: ThreadFollowsTable
  thread_follow_comments: ThreadFollowCommentsTable
}

export type CommentRow = Selectable<CommentsTable>
export type NewComment = Insertable<CommentsTable>
export type CommentUpdate = Updateable<CommentsTable>
export type ThreadRow = Selectable<ThreadsTable>
export type SiteRow = Selectable<SitesTable>
export type UserRow = Selectable<UsersTable>
export type SiteRoleRow = Selectable<SiteRolesTable>
