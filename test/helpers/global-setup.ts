import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { sql } from 'kysely'
import { migrateToLatest } from '../../src/db/index.js'
import { openDatabase } from '../../src/db/node.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string
    /** A migrated schema every test file reuses, emptied first (mutation runs only; see db.ts). */
    pgSchema: string
  }
}

/**
 * On PGlite, migrate one in-memory database once and hand every test file a snapshot of it
 * (a cold PGlite start costs seconds; loading a snapshot a fraction). On PostgreSQL each test
 * file makes its own schema instead (see db.ts).
 */
export default async function setup(project: TestProject) {
  project.provide('pgSchema', '')
  if (process.env.DATABASE_URL) {
    console.log(`[parley tests] database: PostgreSQL (${new URL(process.env.DATABASE_URL).host})`)
    project.provide('pgliteSnapshot', '')
    // A mutation run (stryker.config.mjs) starts the same few test files thousands of times, one
    // at a time per Vitest: migrating a new schema for each would be most of its time.
    if (process.env.PARLEY_TEST_ONE_SCHEMA) {
      const schema = await migratedSchema(process.env.DATABASE_URL)
      project.provide('pgSchema', schema)
      return () => dropSchema(process.env.DATABASE_URL!, schema)
    }
    return
  }
  console.log('[parley tests] database: PGlite (set DATABASE_URL to run on PostgreSQL)')
  const opened = await openDatabase({ dataDir: 'memory://' })
  await migrateToLatest(opened.db)
  const blob = await opened.pg!.dumpDataDir('gzip')
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'))
  const file = join(dir, 'snapshot.tar.gz')
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()))
  await opened.close()
  project.provide('pgliteSnapshot', file)
}

/** A new migrated schema `t_mut_<pid>_…`; schemas of this kind whose process is gone are dropped first. */
async function migratedSchema(url: string): Promise<string> {
  const admin = await openDatabase({ databaseUrl: url, max: 1 })
  const left = await sql<{ name: string }>`select nspname as name from pg_namespace`.execute(admin.db)
  for (const { name } of left.rows) {
    const pid = /^t_mut_(\d+)_[a-z0-9]+$/.exec(name)?.[1]
    if (pid && !isAlive(Number(pid))) await sql`drop schema if exists ${sql.id(name)} cascade`.execute(admin.db)
  }
  const schema = `t_mut_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
  const opened = await openDatabase({ databaseUrl: url, searchPath: schema, max: 1 })
  await migrateToLatest(opened.db)
  await opened.close()
  return schema
}

async function dropSchema(url: string, schema: string) {
  const admin = await openDatabase({ databaseUrl: url, max: 1 })
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
  await admin.close()
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
