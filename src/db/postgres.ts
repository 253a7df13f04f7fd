import { Kysely } from 'kysely'
import postgres from 'postgres'
import type { DB } from '../../db/schema.js'
import { PostgresPoolDialect } from './postgres-driver.js'

export interface RequestDatabase {
  db: Kysely<DB>
  /** Ends the connection; on Workers pass it to `ctx.waitUntil` so the response need not wait. */
  close(): Promise<void>
}

/**
 * A PostgreSQL client for one Workers request (or cron run): runtime-free, no PGlite, no node:fs.
 *
 * Workers cannot share a socket between requests, so every request opens its own connection
 * (Hyperdrive keeps the real pool on Cloudflare's side). The same pool as on Node
 * (`postgres-driver.ts`), of one connection: it never uses postgres.js `reserve()`, whose first
 * call on a pool with no open connection never settles in workerd (porsager/postgres#1203).
 */
export function openRequestDatabase(url: string): RequestDatabase {
  const db = new Kysely<DB>({
    dialect: new PostgresPoolDialect({
      max: 1,
      connectTimeoutSeconds: 10,
      createClient: (o) =>
        postgres(url, {
          ...o,
          // No type lookup on connect: one round trip less, and Parley stores no PostgreSQL arrays.
          fetch_types: false,
          onnotice: () => {},
        }),
    }),
  })
  return { db, close: () => db.destroy() }
}
