import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// 1. Where a thread's title came from, so a title squatted by a bare read (no listed origin)
//    gives way to the publisher's page, the first comment's title or a moderator's:
//    'read' < 'page' < 'comment' < 'moderator'. Threads nobody has commented on were made by reads.
// 2. Author URLs were stored raw: one holding a control character or a space (`\r\nBcc: …`) is dropped.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('threads')
    .addColumn('title_source', 'text', (c) => c.notNull().defaultTo('comment').check(sql`title_source in ('read', 'page', 'comment', 'moderator')`))
    .execute()
  await sql`update threads set title_source = 'read' where not exists (select 1 from comments where comments.thread_id = threads.id)`.execute(db)
  await sql`update comments set author_url = null where author_url ~ '[[:cntrl:][:space:]]'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threads').dropColumn('title_source').execute()
}
