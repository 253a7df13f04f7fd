import { mkdirSync } from 'node:fs'
import { Kysely } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import postgres from 'postgres'
import type { DB } from '../../db/schema.js'

export interface OpenedDatabase {
  db: Kysely<DB>
  kind: 'postgres' | 'pglite'
  close(): Promise<void>
}

/** DATABASE_URL names a PostgreSQL server; without it, embedded PGlite in dataDir. */
export async function openDatabase(opts: {
  databaseUrl?: string
  dataDir?: string
  searchPath?: string
  max?: number
}): Promise<OpenedDatabase> {
  if (opts.databaseUrl) {
    const client = postgres(opts.databaseUrl, {
      max: opts.max ?? 10,
      onnotice: () => {},
      connection: opts.searchPath ? { search_path: opts.searchPath } : {},
    })
    const db = new Kysely<DB>({ dialect: new PostgresJSDialect({ postgres: client }) })
    return { db, kind: 'postgres', close: () => db.destroy() }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGliteDialect } = await import('kysely-pglite-dialect')
  if (opts.dataDir && opts.dataDir !== 'memory://') mkdirSync(opts.dataDir, { recursive: true })
  const pg = await PGlite.create(opts.dataDir ?? 'memory://')
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pg) })
  return { db, kind: 'pglite', close: () => db.destroy() }
}
