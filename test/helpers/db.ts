import { readFileSync } from 'node:fs'
import { inject } from 'vitest'
import { sql } from 'kysely'
import { migrateToLatest, type Database } from '../../src/db/index.js'
import { openDatabase } from '../../src/db/node.js'

export interface TestDb {
  db: Database
  kind: 'postgres' | 'pglite'
  close(): Promise<void>
}

/**
 * A fresh, migrated database for one test file, on whatever DATABASE_URL names:
 * PostgreSQL → a new schema in that database (dropped on close); unset → in-memory PGlite
 * loaded from the snapshot global setup made. In a mutation run on PostgreSQL, the one schema
 * global setup migrated, every table emptied (test files run one at a time there).
 */
export async function createTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL
  const shared = inject('pgSchema')
  if (url && shared) return emptiedSharedSchema(url, shared)
  if (url) {
    const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const admin = await openDatabase({ databaseUrl: url, max: 1 })
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await admin.close()
    const opened = await openDatabase({ databaseUrl: url, searchPath: schema, max: 10 })
    await migrateToLatest(opened.db)
    return {
      db: opened.db,
      kind: 'postgres',
      async close() {
        await opened.close()
        const cleanup = await openDatabase({ databaseUrl: url, max: 1 })
        await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db)
        await cleanup.close()
      },
    }
  }
  const snapshot = inject('pgliteSnapshot')
  const opened = await openDatabase({
    dataDir: 'memory://',
    ...(snapshot ? { loadDataDir: new Blob([readFileSync(snapshot)]) } : {}),
  })
  if (!snapshot) await migrateToLatest(opened.db)
  return { db: opened.db, kind: 'pglite', close: () => opened.close() }
}

let sharedOpen = false

async function emptiedSharedSchema(url: string, schema: string): Promise<TestDb> {
  if (sharedOpen) throw new Error('the shared mutation-run schema is already in use: one database per test file')
  sharedOpen = true
  const opened = await openDatabase({ databaseUrl: url, searchPath: schema, max: 10 })
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = ${schema} and tablename not like 'kysely%'
  `.execute(opened.db)
  await sql.raw(`truncate ${tables.rows.map((t) => `"${schema}"."${t.name}"`).join(', ')} restart identity cascade`).execute(opened.db)
  return {
    db: opened.db,
    kind: 'postgres',
    async close() {
      await opened.close()
      sharedOpen = false
    },
  }
}
