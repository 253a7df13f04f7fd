import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../../db/migrations/index.js'
import { migrate } from '../../src/cli/migrate.js'
import { openDatabase } from '../../src/db/node.js'
import { requirePostgres, skipWithoutPostgres } from '../helpers/require.js'

const url = process.env.DATABASE_URL
const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanups) await c()
})

/** The environment `npm run migrate` would see: a fresh schema on PostgreSQL, else a new PGlite dir. */
async function freshEnv(): Promise<Record<string, string>> {
  if (url) {
    const schema = `m_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const admin = await openDatabase({ databaseUrl: url, max: 1 })
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await admin.close()
    cleanups.push(async () => {
      const c = await openDatabase({ databaseUrl: url, max: 1 })
      await sql`drop schema ${sql.id(schema)} cascade`.execute(c.db)
      await c.close()
    })
    const u = new URL(url)
    u.searchParams.set('search_path', schema)
    return { DATABASE_URL: u.toString() }
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'))
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
  return { DATA_DIR: dir }
}

describe('npm run migrate', () => {
  // Two cold PGlite starts without DATABASE_URL: allow for a busy machine.
  it('applies pending migrations, says which, and applies nothing the second time', { timeout: 90_000 }, async () => {
    const env = await freshEnv()
    const lines: string[] = []
    const all = Object.keys(migrations)
    expect(await migrate(env, (l) => lines.push(l))).toEqual(all)
    expect(await migrate(env, (l) => lines.push(l))).toEqual([])
    expect(lines[0]!.startsWith(`Applied ${all.length} migration(s) to `)).toBe(true)
    expect(lines[0]!.endsWith(`: ${all.join(', ')}`)).toBe(true)
    expect(lines[1]).toMatch(/is up to date; nothing to apply\.$/)
    expect(lines.join('\n')).not.toContain('postgres://')
  })

  it.skipIf(skipWithoutPostgres('migrate CLI with a decoy schema'))('migrates its own schema when another schema of the database has Kysely tables', async () => {
    requirePostgres('The decoy-schema migration test')
    const decoy = await freshEnv()
    const opened = await openDatabase({ databaseUrl: decoy.DATABASE_URL })
    await sql`create table kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`.execute(opened.db)
    await sql`create table kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(opened.db)
    await opened.close()
    expect(await migrate(await freshEnv(), () => {})).toEqual(Object.keys(migrations))
  })

  it('refuses a bad DATABASE_URL with one line naming it', async () => {
    await expect(migrate({ DATABASE_URL: 'mysql://db/x' }, () => {})).rejects.toThrow(/^Invalid configuration: DATABASE_URL/)
  })
})
