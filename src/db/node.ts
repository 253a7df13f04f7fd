import { mkdirSync } from 'node:fs'
import type { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import postgres from 'postgres'
import type { DB } from '../../db/schema.js'
import { lockDataDir, type DataDirLock } from './lock.node.js'
import { isConnectionError, PostgresPoolDialect } from './postgres-driver.js'
import { countingWrites, trackWrites, WriteGeneration } from './writes.js'

export interface OpenedDatabase {
  db: Kysely<DB>
  kind: 'postgres' | 'pglite'
  /** The embedded instance, when it is PGlite (tests dump and load snapshots through it). */
  pg?: PGlite
  /** The data directory's lock, when it is PGlite on disk (one process only). */
  lock?: DataDirLock
  close(): Promise<void>
}

/**
 * Embedded PostgreSQL's buffer pool: 32 MB instead of PGlite's 128 MB. PGlite touches the whole
 * pool in its WASM heap at start, so this is resident memory for the life of the process:
 * `npm start` on an existing data directory idled at 356–388 MB with 128 MB, 248–249 MB with 32
 * MB (241–243 with 16); the desk's queue on 10,000 pending answered no slower with 16 or 32 MB
 * (docs/perf.md "Round 3: memory").
 */
export const PGLITE_SHARED_BUFFERS = '32MB'

/** DATABASE_URL names a PostgreSQL server; without it, embedded PGlite in dataDir. */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined
  dataDir?: string
  searchPath?: string
  max?: number
  loadDataDir?: Blob
  /** PostgreSQL pool deadlines (tests shorten them); see POOL_DEFAULTS. */
  pool?: { acquireTimeoutMs?: number; connectTimeoutSeconds?: number; queryTimeoutMs?: number }
  /** Who opens an on-disk PGlite directory (its lock says so to a second process); a server adds its port. */
  holder?: { command: string; port?: number | null }
}): Promise<OpenedDatabase> {
  if (opts.databaseUrl) {
    const url = opts.databaseUrl
    const dialect = new PostgresPoolDialect({
      max: opts.max ?? 10,
      ...opts.pool,
      createClient: (o) =>
        postgres(url, {
          ...o,
          onnotice: () => {},
          connection: opts.searchPath ? { search_path: opts.searchPath } : {},
        }),
    })
    const db = new Kysely<DB>({ dialect })
    return { db, kind: 'postgres', close: () => db.destroy() }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGliteDialect } = await import('kysely-pglite-dialect')
  const dataDir = opts.dataDir ?? 'memory://'
  let lock: DataDirLock | undefined
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true })
    // Before PGlite touches a file: a second process must not open it at all.
    lock = lockDataDir(dataDir, opts.holder ?? { command: 'a Parley process' })
  }
  let pg: PGlite
  try {
    pg = await PGlite.create(dataDir, {
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    })
  } catch (err) {
    lock?.release()
    throw err
  }
  // One process, one statement at a time: the queue may cache reads between writes (src/db/writes.ts).
  const writes = new WriteGeneration()
  const db = new Kysely<DB>({ dialect: countingWrites(new PGliteDialect(pg), writes) })
  trackWrites(db, writes)
  const close = async () => {
    try {
      await db.destroy()
    } finally {
      lock?.release()
    }
  }
  return { db, kind: 'pglite', pg, ...(lock ? { lock } : {}), close }
}

/**
 * Keeps the process up when a database connection error rejects a promise nobody awaits any more
 * (seen once in the database drill, test/faults: CONNECTION_DESTROYED raised by postgres.js while
 * a lost connection's client was being ended, after every statement's outcome had been decided
 * and answered). Any other unhandled rejection still ends the process, as Node does by default.
 * Called by the server and the mail worker (npm start, npm run worker).
 */
export function keepUpOnStrayConnectionErrors(warn: (msg: string, fields: object) => void): void {
  process.on('unhandledRejection', (reason) => {
    if (!isConnectionError(reason)) throw reason
    warn('database connection error with nobody waiting for it (ignored)', { code: (reason as { code: string }).code })
  })
}
