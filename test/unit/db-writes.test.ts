// What moves an embedded database's write generation (src/db/writes.ts): the moderator queue is
// kept on PGlite only while it has not moved, so a write taken for a read would show a stale queue.
import { describe, expect, it } from 'vitest'
import { mayWrite } from '../../src/db/writes.js'

describe('mayWrite', () => {
  it('takes every statement that may change data for a write', () => {
    for (const s of [
      'insert into comments (id) values ($1)',
      'update "comments" set "status" = $1 where "id" = $2',
      'delete from comment_counts where site_id = $1',
      ' with gone as (delete from comment_counts where site_id in ($1) returning site_id, queue, n) insert into comment_counts select * from gone',
      'with c as (insert into comments (id) values ($1) returning id) select id from c',
      'commit',
      'rollback',
      'create index x on comments (id)',
      'alter table comments add column x text',
      'truncate comments',
      'set local enable_seqscan = off',
      'select * from threads where id = $1 for update',
      "select nextval('s')",
      'merge into t using s on true when matched then do nothing',
      'copy comments from stdin',
      'vacuum comments',
    ])
      expect(mayWrite(s), s).toBe(true)
  })

  it('takes plain reads for reads', () => {
    for (const s of [
      'select * from "sites" order by "id"',
      ' with page as (select c.id from comments c where c.status = $1 order by c.created_at desc limit $2) select (select json_agg(page) from page) as items',
      'select "sessions"."id", "users"."updated_at" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id"',
      'select pg_advisory_xact_lock(hashtext($1))',
      'begin',
      'explain select 1',
    ])
      expect(mayWrite(s), s).toBe(false)
  })
})
