import { Migrator, sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import { migrations } from '../../db/migrations/index.js'
import type { DB } from '../../db/schema.js'

export type Database = Kysely<DB>
export type Trx = Transaction<DB>
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<DB>

/**
 * A JSON value for a jsonb column. Sent as text and cast, so postgres.js and PGlite
 * agree (neither double-encodes a string, nor turns an array into a Postgres array).
 */
export function jsonb<T>(value: T): RawBuilder<T> {
  return sql<T>`cast(cast(${JSON.stringify(value)} as text) as jsonb)`
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Name the schema: Kysely otherwise takes a migration table in ANY schema as its own
  // (several Parleys, or test schemas, in one database).
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: rows[0]!.schema,
    // Numbers are handed out to work in progress and land in any order: a database already at
    // 0009 must still apply a later-landed 0004. Each migration stands alone (none reads another's).
    allowUnorderedMigrations: true,
  })
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest()
    // Kysely's introspection checks has_schema_privilege() on EVERY schema by name: another
    // session dropping a schema at that moment (test schemas on a shared server) fails it with
    // 3F000 "schema … does not exist". Nothing was applied then; looking again is safe.
    if (error && (error as { code?: unknown }).code === '3F000' && attempt < 5) continue
    if (error) throw error instanceof Error ? error : new Error(String(error))
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  }
}

/** Timestamps from postgres.js, PGlite or a JSON aggregate, as a Date. */
export function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v)
}
