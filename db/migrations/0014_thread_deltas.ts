import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Issue 13, round 3 (docs/perf.md "Round 3: the post"): every post wrote its thread's one row
// (`comment_count + 1, version + 1`) and held it locked through the commit's fsync, so posts on
// one thread committed one at a time. A post now appends a delta row here instead (insert-only:
// no writer waits for another); a thread's live count is `threads.comment_count + sum(n)` and
// its live version `threads.version + count(*)` of its rows. Folding the rows into the thread
// (in one statement: delete … returning, then add) keeps both sums, so a cached page stays valid;
// any other change (moderation, edits, title, closing, votes) still bumps `threads.version`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('thread_deltas')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute()
  await sql`create index thread_deltas_thread_idx on thread_deltas (thread_id) include (n)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  // The deltas go back into their threads first: no count or version is lost.
  await sql`
    update threads t set comment_count = t.comment_count + d.n, version = t.version + d.k
    from (select thread_id, sum(n)::int as n, count(*)::int as k from thread_deltas group by thread_id) d
    where d.thread_id = t.id
  `.execute(db)
  await db.schema.dropTable('thread_deltas').ifExists().execute()
}
