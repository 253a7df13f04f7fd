import { Kysely } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import postgres from 'postgres'
import type { DB } from '../../db/schema.js'

export interface RequestDatabase {
  db: Kysely<DB>
  /** Ends the connection; on Workers pass it to `ctx.waitUntil` so the response need not wait. */
  close(): Promise<void>
}

/**
 * A PostgreSQL client for one Workers request (or cron run): runtime-free, no PGlite, no node:fs.
 *
 * Workers cannot share a socket between requests, so every request opens its own client.
 * One connection: in workerd, postgres.js `reserve()` on a pool with no open connection never
 * settles (porsager/postgres#1203) and kysely-postgres-js acquires every connection with
 * `reserve()`; so the first use runs a plain `select 1` to open the connection, and a single
 * connection means every later `reserve()` finds it open (or waits for its release).
 * Hyperdrive keeps the real pool on Cloudflare's side.
 */
export function openRequestDatabase(url: string): RequestDatabase {
  const client = postgres(url, {
    max: 1,
    // No type lookup on connect: one round trip less, and Parley stores no PostgreSQL arrays.
    fetch_types: false,
    connect_timeout: 10,
    onnotice: () => {},
  })
  const db = new Kysely<DB>({
    dialect: new PostgresJSDialect({
      postgres: async () => {
        await client`select 1`
        return client
      },
    }),
  })
  return { db, close: () => client.end({ timeout: 5 }) }
}
