import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('threads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('closed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('authors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Approved comments, kept in step with comments in the same transaction.
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Bumped on every change to the thread's comments; part of the ETag.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('threads_site_uri_key', ['site_id', 'uri'])
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'moderator')`))
    // null: every site; else a JSON array of site ids.
    .addColumn('sites', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha-256 of the secret token, never the token
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()

  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip_key', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('login_failures_email_idx').on('login_failures').columns(['email', 'at']).execute()
  await db.schema.createIndex('login_failures_ip_idx').on('login_failures').columns(['ip_key', 'at']).execute()

  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Insertion order; tie-breaker after created_at and the cursor's second key.
    .addColumn('seq', 'bigserial', (c) => c.notNull().unique())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('parent_id', 'text', (c) => c.references('comments.id'))
    // The top-level comment this one hangs under (its own id when top-level).
    .addColumn('root_id', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'spam', 'deleted')`),
    )
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('author_email', 'text')
    .addColumn('author_url', 'text')
    .addColumn('email_key', 'text') // HMAC(secret, normalised email)
    .addColumn('avatar_key', 'text', (c) => c.notNull())
    .addColumn('ip_key', 'text') // HMAC(secret, ip); the raw IP is never stored
    .addColumn('user_agent', 'text')
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('edit_token_hash', 'text')
    .addColumn('editable_until', 'timestamptz')
    .addColumn('notify_replies', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('open_reports', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('edited_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  // A thread's visible comments in display order (the public read).
  await sql`create index comments_thread_visible_idx on comments (thread_id, root_id, created_at, seq)
    where status in ('approved', 'deleted')`.execute(db)
  await sql`create index comments_thread_top_idx on comments (thread_id, created_at, seq)
    where parent_id is null`.execute(db)
  // Counts by thread.
  await sql`create index comments_thread_approved_idx on comments (thread_id) where status = 'approved'`.execute(
    db,
  )
  // The moderation queues by status and time.
  await db.schema.createIndex('comments_queue_idx').on('comments').columns(['site_id', 'status', 'created_at']).execute()
  await sql`create index comments_reported_idx on comments (site_id, created_at) where open_reports > 0`.execute(db)
  await db.schema.createIndex('comments_parent_idx').on('comments').column('parent_id').execute()
  await db.schema.createIndex('comments_root_idx').on('comments').column('root_id').execute()
  // An author's history by email key; flood checks by email and by IP.
  await db.schema.createIndex('comments_email_key_idx').on('comments').columns(['email_key', 'created_at']).execute()
  await db.schema.createIndex('comments_ip_key_idx').on('comments').columns(['ip_key', 'created_at']).execute()
  await db.schema.createIndex('comments_edit_token_idx').on('comments').column('edit_token_hash').execute()

  await db.schema
    .createTable('moderation_actions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('comment_id', 'text', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor_email', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('moderation_actions_site_idx').on('moderation_actions').columns(['site_id', 'id']).execute()
  await db.schema.createIndex('moderation_actions_comment_idx').on('moderation_actions').column('comment_id').execute()

  await db.schema
    .createTable('reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('ip_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('reports_comment_idx').on('reports').column('comment_id').execute()
  await db.schema.createIndex('reports_ip_idx').on('reports').columns(['ip_key', 'created_at']).execute()

  await db.schema
    .createTable('bans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade')) // null: global
    .addColumn('email', 'text') // shown to moderators only
    .addColumn('email_key', 'text')
    .addColumn('ip_key', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('bans_email_key_idx').on('bans').column('email_key').execute()
  await db.schema.createIndex('bans_ip_key_idx').on('bans').column('ip_key').execute()

  await db.schema
    .createTable('site_authors')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('notify', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_authors_pkey', ['site_id', 'handle'])
    .execute()

  // Commenters' addresses per site: double opt-in state for reply emails.
  await db.schema
    .createTable('subscriptions')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('unsubscribed_at', 'timestamptz')
    .addColumn('confirm_sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscriptions_pkey', ['site_id', 'email_key'])
    .execute()

  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    // Makes "one email per reply per recipient" a constraint, not a hope.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute()
  await sql`create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending'`.execute(db)

  // The development mailbox: what would have been sent, kept for /dev/mail.
  await db.schema
    .createTable('dev_mailbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'dev_mailbox',
    'email_outbox',
    'subscriptions',
    'site_authors',
    'bans',
    'reports',
    'moderation_actions',
    'comments',
    'login_failures',
    'sessions',
    'users',
    'threads',
    'sites',
    'meta',
  ]) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
