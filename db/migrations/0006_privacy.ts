import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Readers' data rights (issue 12): which comment an email is about, the privacy-link requests
// (rate limits, one email per address an hour) and indexes for the retention purge.
export async function up(db: Kysely<any>): Promise<void> {
  // The comment an email is about (moderation, reply, approved, author, confirm), so erasing a
  // commenter also removes the mail that quotes them. No foreign key: purges delete comments.
  await db.schema.alterTable('email_outbox').addColumn('comment_id', 'text').execute()
  // Rows written before this column: their dedupe keys name the comment (`reply:<id>:…`, …).
  await sql`update email_outbox set comment_id = split_part(dedupe_key, ':', 2)
    where comment_id is null and dedupe_key ~ '^(reply|approved|author):[a-z0-9]+'`.execute(db)
  await sql`create index email_outbox_comment_idx on email_outbox (comment_id) where comment_id is not null`.execute(db)
  await sql`create index email_outbox_site_to_idx on email_outbox (site_id, lower(to_address))`.execute(db)

  // One row per request for a privacy link (known address or not: the same work either way).
  await db.schema
    .createTable('privacy_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('ip_key', 'text')
    .addColumn('mailed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('privacy_requests_key_idx').on('privacy_requests').columns(['site_id', 'email_key', 'created_at']).execute()
  await db.schema.createIndex('privacy_requests_ip_idx').on('privacy_requests').columns(['ip_key', 'created_at']).execute()
  await db.schema.createIndex('privacy_requests_at_idx').on('privacy_requests').column('created_at').execute()

  // Retention: spam and rejected comments by how long they have been so; IP keys by age.
  await sql`create index comments_purgeable_idx on comments (site_id, status, updated_at)
    where status in ('spam', 'rejected')`.execute(db)
  await sql`create index comments_ip_retention_idx on comments (site_id, created_at)
    where ip_key is not null or user_agent is not null`.execute(db)
  // An erasure finds a site's comments by email key.
  await db.schema.createIndex('comments_site_email_key_idx').on('comments').columns(['site_id', 'email_key']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('comments_site_email_key_idx').ifExists().execute()
  await db.schema.dropIndex('comments_ip_retention_idx').ifExists().execute()
  await db.schema.dropIndex('comments_purgeable_idx').ifExists().execute()
  await db.schema.dropTable('privacy_requests').ifExists().execute()
  await db.schema.dropIndex('email_outbox_site_to_idx').ifExists().execute()
  await db.schema.dropIndex('email_outbox_comment_idx').ifExists().execute()
  await db.schema.alterTable('email_outbox').dropColumn('comment_id').execute()
}
