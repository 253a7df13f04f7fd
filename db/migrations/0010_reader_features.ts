import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Issue 15, the server side of what readers expect from a comment section:
// 1. Votes: one row per (comment, voter), the voter named only by an HMAC of the browser's voter
//    token; the comment keeps its counts (what "best" sorts on). A vote taken back keeps its row
//    with value 0, so the IP rate limit counts it too.
// 2. Badges: which badge a comment earned when it was posted ("staff" from the desk, "author" when
//    that moderator is the thread's registered article author); never from a typed address.
// 3. The live stream and the feeds read changes by time: comments by (thread, updated_at).
// 4. Following a discussion without commenting: one row per (thread, email key), double opt-in,
//    and when the last digest went out.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('comments')
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('downvotes', 'integer', (c) => c.notNull().defaultTo(0))
    // The lower bound of the Wilson score interval (95%) of upvotes / (upvotes + downvotes),
    // kept beside the counts by the vote's own update: "best" is an index scan.
    .addColumn('best_score', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('badge', 'text', (c) => c.check(sql`badge in ('staff', 'author')`))
    .execute()

  await db.schema
    .createTable('comment_votes')
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('voter_key', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('value', 'smallint', (c) => c.notNull().check(sql`value in (-1, 0, 1)`))
    .addColumn('ip_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('comment_votes_pk', ['comment_id', 'voter_key'])
    .execute()
  // A reader's own votes on one thread (myVote on a page), and the IP rate limit.
  await db.schema.createIndex('comment_votes_voter_idx').on('comment_votes').columns(['voter_key', 'thread_id']).execute()
  await db.schema.createIndex('comment_votes_ip_idx').on('comment_votes').columns(['ip_key', 'updated_at']).execute()

  // The live stream's poll (what changed on these threads since) and the site feed.
  await db.schema.createIndex('comments_thread_updated_idx').on('comments').columns(['thread_id', 'updated_at']).execute()
  await sql`create index comments_thread_best_idx on comments (thread_id, best_score desc, created_at, seq)
    where parent_id is null`.execute(db)
  await sql`create index comments_site_published_idx on comments (site_id, created_at) where status = 'approved'`.execute(db)

  await db.schema
    .createTable('thread_follows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('unsubscribed_at', 'timestamptz')
    .addColumn('confirm_sent_at', 'timestamptz')
    .addColumn('last_digest_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('thread_follows_thread_email_key', ['thread_id', 'email_key'])
    .execute()
  await db.schema.createIndex('thread_follows_site_email_idx').on('thread_follows').columns(['site_id', 'email_key']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('thread_follows').ifExists().execute()
  await db.schema.dropIndex('comments_site_published_idx').ifExists().execute()
  await db.schema.dropIndex('comments_thread_updated_idx').ifExists().execute()
  await db.schema.dropIndex('comments_thread_best_idx').ifExists().execute()
  await db.schema.dropTable('comment_votes').ifExists().execute()
  await db.schema.alterTable('comments').dropColumn('badge').dropColumn('best_score').dropColumn('downvotes').dropColumn('upvotes').execute()
}
