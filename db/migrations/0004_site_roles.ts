import { sql, type Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Roles belong to a site (issue 10): a user's role on each site is a row of site_roles; only a
// user of every site keeps a role of their own (users.global_role). Existing users keep exactly
// the power they had: `role` with `sites: null` becomes the global role, `role` with a site list
// becomes that role on each listed site (sites that no longer exist are dropped).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('site_roles')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'moderator')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_roles_pkey', ['site_id', 'user_id'])
    .execute()
  await db.schema.createIndex('site_roles_user_idx').on('site_roles').column('user_id').execute()

  await db.schema
    .alterTable('users')
    .addColumn('global_role', 'text', (c) => c.check(sql`global_role in ('admin', 'moderator')`))
    .execute()
  await sql`update users set global_role = role where sites is null`.execute(db)
  await sql`insert into site_roles (site_id, user_id, role, created_at)
    select distinct s.id, u.id, u.role, u.created_at
    from users u
    cross join lateral jsonb_array_elements_text(case jsonb_typeof(u.sites)
      when 'array' then u.sites
      -- a list stored double-encoded (a JSON string holding the array) is still that list
      when 'string' then case when left(u.sites #>> '{}', 1) = '[' then (u.sites #>> '{}')::jsonb else '[]'::jsonb end
      else '[]'::jsonb end) as e(site)
    join sites s on s.id = e.site
    where u.sites is not null`.execute(db)
  await db.schema.alterTable('users').dropColumn('role').execute()
  await db.schema.alterTable('users').dropColumn('sites').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  // Back to one role per user: the highest role a user held anywhere ('admin' sorts first), on the sites they had.
  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('moderator').check(sql`role in ('admin', 'moderator')`))
    .execute()
  await db.schema.alterTable('users').addColumn('sites', 'jsonb').execute()
  await sql`update users u set
    role = coalesce(u.global_role, (select min(r.role) from site_roles r where r.user_id = u.id), 'moderator'),
    sites = case when u.global_role is not null then null
      else coalesce((select jsonb_agg(r.site_id order by r.site_id) from site_roles r where r.user_id = u.id), '[]'::jsonb) end`.execute(db)
  await sql`alter table users alter column role drop default`.execute(db)
  await db.schema.alterTable('users').dropColumn('global_role').execute()
  await db.schema.dropTable('site_roles').execute()
}
