import { Migrator, sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrations } from '../../db/migrations/index.js'
import * as m0004 from '../../db/migrations/0004_site_roles.js'
import { migrateToLatest } from '../../src/db/index.js'
import { openDatabase } from '../../src/db/node.js'

/**
 * 0004_site_roles turns one role per user into a role per site, keeping everyone's power as it
 * was; and it lands after 0005–0009 have run on existing databases (unordered migrations).
 */

const url = process.env.DATABASE_URL
let db: Kysely<any>
let close: () => Promise<void>

beforeAll(async () => {
  if (url) {
    const schema = `r_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const admin = await openDatabase({ databaseUrl: url, max: 1 })
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await admin.close()
    const opened = await openDatabase({ databaseUrl: url, searchPath: schema, max: 2 })
    db = opened.db
    close = async () => {
      await opened.close()
      const c = await openDatabase({ databaseUrl: url, max: 1 })
      await sql`drop schema ${sql.id(schema)} cascade`.execute(c.db)
      await c.close()
    }
  } else {
    const opened = await openDatabase({ dataDir: 'memory://' })
    db = opened.db
    close = () => opened.close()
  }
  // The database as it was before 0004 existed: every other migration applied.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== '0004_site_roles'))
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableSchema: rows[0]!.schema }).migrateToLatest()
  if (error) throw error
}, 120_000)
afterAll(() => close?.())

const at = new Date('2026-01-01T00:00:00Z')
async function oldUser(id: string, role: string, sites: string[] | null) {
  await sql`insert into users (id, email, name, password_hash, role, sites, created_at)
    values (${id}, ${id + '@newsroom.example'}, '', null, ${role}, cast(cast(${sites === null ? null : JSON.stringify(sites)} as text) as jsonb), ${at})`.execute(db)
}

describe('0004_site_roles', () => {
  it('keeps everyone’s power: a global role stays global, a role on [a,b] becomes that role on a and on b', { timeout: 60_000 }, async () => {
    for (const id of ['a', 'b', 'c']) await sql`insert into sites (id, name, settings, created_at) values (${id}, ${id}, '{}'::jsonb, ${at})`.execute(db)
    await oldUser('chief', 'admin', null)
    await oldUser('roamer', 'moderator', null)
    await oldUser('limited', 'admin', ['a', 'b'])
    await oldUser('desk', 'moderator', ['b', 'gone', 'b'])
    await oldUser('nobody', 'moderator', [])
    // Stored double-encoded (a JSON string holding the list): still that list.
    await sql`insert into users (id, email, name, password_hash, role, sites, created_at)
      values ('quoted', 'quoted@newsroom.example', '', null, 'moderator', to_jsonb(cast('["c"]' as text)), ${at})`.execute(db)

    expect(await migrateToLatest(db)).toEqual(['0004_site_roles'])

    const users = await db.selectFrom('users').select(['id', 'global_role']).orderBy('id').execute()
    expect(users).toEqual([
      { id: 'chief', global_role: 'admin' },
      { id: 'desk', global_role: null },
      { id: 'limited', global_role: null },
      { id: 'nobody', global_role: null },
      { id: 'quoted', global_role: null },
      { id: 'roamer', global_role: 'moderator' },
    ])
    const roles = await db.selectFrom('site_roles').select(['user_id', 'site_id', 'role']).orderBy('user_id').orderBy('site_id').execute()
    expect(roles).toEqual([
      { user_id: 'desk', site_id: 'b', role: 'moderator' },
      { user_id: 'limited', site_id: 'a', role: 'admin' },
      { user_id: 'limited', site_id: 'b', role: 'admin' },
      { user_id: 'quoted', site_id: 'c', role: 'moderator' },
    ])
    const cols = (
      await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'users'`.execute(db)
    ).rows.map((c) => c.name)
    expect(cols).toContain('global_role')
    expect(cols).not.toContain('role')
    expect(cols).not.toContain('sites')
    // A role is one of the two, and a user has one row per site.
    await expect(sql`insert into site_roles (site_id, user_id, role, created_at) values ('c', 'desk', 'owner', now())`.execute(db)).rejects.toThrow()
    await expect(sql`insert into site_roles (site_id, user_id, role, created_at) values ('b', 'desk', 'admin', now())`.execute(db)).rejects.toThrow()
    // Deleting a site or a user takes their roles with them.
    await sql`delete from sites where id = 'a'`.execute(db)
    expect(await db.selectFrom('site_roles').select('site_id').where('user_id', '=', 'limited').execute()).toEqual([{ site_id: 'b' }])
  })

  it('goes back down to one role per user (the highest held), on the sites they had', { timeout: 60_000 }, async () => {
    await sql`insert into site_roles (site_id, user_id, role, created_at) values ('c', 'desk', 'admin', now())`.execute(db)
    await m0004.down(db)
    const rows = await sql<{ id: string; role: string; sites: string[] | null }>`select id, role, sites from users order by id`.execute(db)
    expect(rows.rows.map((r) => ({ ...r, sites: typeof r.sites === 'string' ? JSON.parse(r.sites) : r.sites }))).toEqual([
      { id: 'chief', role: 'admin', sites: null },
      { id: 'desk', role: 'admin', sites: ['b', 'c'] },
      { id: 'limited', role: 'admin', sites: ['b'] },
      { id: 'nobody', role: 'moderator', sites: [] },
      { id: 'quoted', role: 'moderator', sites: ['c'] },
      { id: 'roamer', role: 'moderator', sites: null },
    ])
  })
})
