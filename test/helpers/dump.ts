import { sql } from 'kysely'
import type { Database } from '../../src/db/index.js'

export interface DumpedRow {
  table: string
  /** The row as PostgreSQL serialises it (to_jsonb): every column, text and jsonb alike. */
  row: Record<string, unknown>
  /** The same, as one lower-cased string to search. */
  text: string
}

/**
 * Every row of every table in the current schema (the test's own), whatever the migrations
 * added: a scan for leftovers cannot miss a table someone adds later.
 */
export async function dumpDatabase(db: Database): Promise<DumpedRow[]> {
  // pg_catalog filtered by our namespace first: information_schema would check privileges on
  // every schema, and fail when another test drops its schema at that moment.
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p')
    order by c.relname
  `.execute(db)
  const out: DumpedRow[] = []
  for (const { name } of tables.rows) {
    const rows = await sql<{ j: string }>`select to_jsonb(t)::text as j from ${sql.id(name)} t`.execute(db)
    for (const r of rows.rows) out.push({ table: name, row: JSON.parse(r.j) as Record<string, unknown>, text: r.j.toLowerCase() })
  }
  return out
}

export interface Hit {
  table: string
  needle: string
  row: Record<string, unknown>
}

/** Where any of the needles (case-insensitive) occurs in the dump. */
export function findInDump(dump: DumpedRow[], needles: string[]): Hit[] {
  const hits: Hit[] = []
  for (const d of dump) for (const n of needles) if (n && d.text.includes(n.toLowerCase())) hits.push({ table: d.table, needle: n, row: d.row })
  return hits
}

/** The tables a dump covers, for asserting the scan saw them. */
export const tablesOf = (dump: DumpedRow[]) => [...new Set(dump.map((d) => d.table))].sort()
