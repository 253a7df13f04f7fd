// A big site seeded in SQL (generate_series), not through the API: `comments` comments in
// `threads` threads of one site, 50 a thread by default. In each thread of 50: every 4th comment
// (i % 4 = 3) is a reply to the one two above it, and i % 10 = 4 (five top-level comments of 50,
// i.e. 10 %) waits in the pending queue; the rest are approved. 50,000 distinct authors, 20,011
// distinct addresses. Thread counts are set from the rows, then the tables are analysed.
import { sql, type Kysely } from 'kysely'

export async function seedBigSite(db: Kysely<any>, o: { siteId: string; comments: number; threads: number; prefix?: string }): Promise<{ ms: number; uris: string[] }> {
  const t0 = performance.now()
  const p = o.prefix ?? 'big'
  const per = Math.ceil(o.comments / o.threads)
  await sql`
    insert into threads (id, site_id, uri, title, title_source, authors, comment_count, version, created_at, updated_at)
    select ${p} || 't' || g, ${o.siteId}, '/' || ${p} || '/' || g, 'Seeded article ' || g, 'comment', '[]'::jsonb, 0, 0,
           now() - interval '30 days', now()
    from generate_series(0, ${o.threads - 1}::int) g
  `.execute(db)
  // Loading 1M rows through a dozen indexes costs several times more than building them after:
  // the secondary indexes are dropped and made again (same definitions, from the catalog).
  const { rows: indexes } = await sql<{ name: string; def: string }>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = 'comments'
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
  `.execute(db)
  for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(db)
  // i: position in its thread; replies hang under the comment two above (i % 4 = 1, top-level, approved).
  await sql`
    insert into comments (id, site_id, thread_id, parent_id, root_id, depth, status, body_md, body_html,
      author_name, author_email, author_url, email_key, avatar_key, ip_key, user_agent, reasons, created_at, updated_at)
    select ${p} || 'c' || g, ${o.siteId}, ${p} || 't' || (g / ${per}::int),
      case when g % ${per}::int % 4 = 3 then ${p} || 'c' || (g - 2) end,
      ${p} || 'c' || case when g % ${per}::int % 4 = 3 then g - 2 else g end,
      case when g % ${per}::int % 4 = 3 then 1 else 0 end,
      case when g % ${per}::int % 10 = 4 then 'pending' else 'approved' end,
      'Seeded comment ' || g || ': lorem ipsum dolor sit amet, consectetur adipiscing elit.',
      '<p>Seeded comment ' || g || ': lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>',
      'Reader ' || (g % 50000), 'reader' || (g % 50000) || '@example.org', null,
      'bk-' || (g % 50000), md5(g::text), 'bi-' || (g % 20011), 'Mozilla/5.0 (seed)',
      '[{"phase":"post_moderation","message":"Seeded."}]'::jsonb,
      now() - interval '20 days' + (g * interval '1 second'), now() - interval '20 days' + (g * interval '1 second')
    from generate_series(0, ${o.comments - 1}::int) g
  `.execute(db)
  await sql`set maintenance_work_mem = '256MB'`.execute(db)
  for (const i of indexes) await sql.raw(i.def).execute(db)
  await sql`
    update threads t set comment_count = c.n
    from (select thread_id, count(*)::int as n from comments where site_id = ${o.siteId} and status = 'approved' group by thread_id) c
    where t.id = c.thread_id and t.site_id = ${o.siteId}
  `.execute(db)
  await sql`analyze threads`.execute(db)
  await sql`analyze comments`.execute(db)
  const uris = Array.from({ length: Math.min(50, o.threads) }, (_, i) => `/${p}/${Math.floor((i * o.threads) / 50)}`)
  return { ms: performance.now() - t0, uris }
}
