import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Issue 15 item 6, following a discussion by email (thread_follows came with 0010):
// 1. The rate limit of `POST /api/follows` by IP key: the IP key and time of the latest request
//    for a follow (a repeat of the same request counts once; the key is cleared after a day).
// 2. The digest rule: a follow's comments waiting for its next digest, one row per (follow,
//    comment), written when a comment of the thread is published; `digest_due_at` says when the
//    digest may go (at once, or one window after the last). The digest job sends one email with
//    every waiting comment that is still published, and deletes the rows in the same
//    transaction as the outbox row it writes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('thread_follows')
    .addColumn('ip_key', 'text')
    .addColumn('requested_at', 'timestamptz')
    .addColumn('digest_due_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('thread_follows_ip_idx').on('thread_follows').columns(['ip_key', 'requested_at']).execute()
  await sql`create index thread_follows_due_idx on thread_follows (digest_due_at) where digest_due_at is not null`.execute(db)

  await db.schema
    .createTable('thread_follow_comments')
    .addColumn('follow_id', 'text', (c) => c.notNull().references('thread_follows.id').onDelete('cascade'))
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('thread_follow_comments_pk', ['follow_id', 'comment_id'])
    .execute()
  // Deleting a comment (erasure, retention) finds its rows.
  await db.schema.createIndex('thread_follow_comments_comment_idx').on('thread_follow_comments').column('comment_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('thread_follow_comments').ifExists().execute()
  await db.schema.dropIndex('thread_follows_due_idx').ifExists().execute()
  await db.schema.dropIndex('thread_follows_ip_idx').ifExists().execute()
  await db.schema.alterTable('thread_follows').dropColumn('digest_due_at').dropColumn('requested_at').dropColumn('ip_key').execute()
}
