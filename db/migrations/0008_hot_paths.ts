import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Issue 13 (docs/perf.md).
// 1. The duplicate check of every post read the whole table (a sequential scan: no index served
//    `thread_id = … and parent_id is not distinct from …` for pending and approved rows alike).
//    A comment's body, hashed, with its thread finds the candidates at once (md5: a body may be
//    longer than a btree entry may be).
// 2. The moderators' per-status counts scanned every comment of the site on every request.
//    `comment_counts` holds them as insert-only deltas (site, queue, n), written by statement
//    triggers on comments (so every writer — posts, moderation, imports, erasure, purges — keeps
//    them true without knowing), summed on read and folded now and then. Insert-only: writers
//    never wait for one another on a counter row. Queue `reported` = approved with open reports.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index comments_duplicate_idx on comments (thread_id, md5(body_md))
    where status in ('pending', 'approved')`.execute(db)

  await db.schema
    .createTable('comment_counts')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('comment_counts_site_idx').on('comment_counts').columns(['site_id', 'queue']).execute()

  // One function for the three triggers: the rows a statement added count +1 in their queues,
  // the rows it removed -1; an update is both. Nothing is written when nothing moved.
  await sql`
    create function comment_counts_delta() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'INSERT' then
        insert into comment_counts (site_id, queue, n)
        select site_id, queue, count(*) from (
          select site_id, status as queue from new_rows
          union all select site_id, 'reported' from new_rows where status = 'approved' and open_reports > 0
        ) x group by site_id, queue;
      elsif tg_op = 'DELETE' then
        insert into comment_counts (site_id, queue, n)
        select site_id, queue, -count(*) from (
          select site_id, status as queue from old_rows
          union all select site_id, 'reported' from old_rows where status = 'approved' and open_reports > 0
        ) x group by site_id, queue;
      else
        insert into comment_counts (site_id, queue, n)
        select site_id, queue, sum(d) from (
          select site_id, status as queue, 1 as d from new_rows
          union all select site_id, 'reported', 1 from new_rows where status = 'approved' and open_reports > 0
          union all select site_id, status, -1 from old_rows
          union all select site_id, 'reported', -1 from old_rows where status = 'approved' and open_reports > 0
        ) x group by site_id, queue having sum(d) <> 0;
      end if;
      return null;
    end
    $fn$
  `.execute(db)
  await sql`create trigger comments_counts_insert after insert on comments
    referencing new table as new_rows for each statement execute function comment_counts_delta()`.execute(db)
  await sql`create trigger comments_counts_update after update on comments
    referencing old table as old_rows new table as new_rows for each statement execute function comment_counts_delta()`.execute(db)
  await sql`create trigger comments_counts_delete after delete on comments
    referencing old table as old_rows for each statement execute function comment_counts_delta()`.execute(db)

  await sql`
    insert into comment_counts (site_id, queue, n)
    select site_id, status, count(*) from comments group by site_id, status
    union all
    select site_id, 'reported', count(*) from comments where status = 'approved' and open_reports > 0 group by site_id
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists comments_counts_insert on comments`.execute(db)
  await sql`drop trigger if exists comments_counts_update on comments`.execute(db)
  await sql`drop trigger if exists comments_counts_delete on comments`.execute(db)
  await sql`drop function if exists comment_counts_delta()`.execute(db)
  await db.schema.dropTable('comment_counts').ifExists().execute()
  await db.schema.dropIndex('comments_duplicate_idx').ifExists().execute()
}
