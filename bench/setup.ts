// What the benches that run the app in-process share: a database of their own, migrated (a scratch
// schema of DATABASE_URL, dropped afterwards; in-memory PGlite without it), and the Deps around it.
// Only what that needs is imported here, so a bench's child process loads nothing more than before.
import { sql } from 'kysely'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { loadConfig } from '../src/config.js'
import { migrateToLatest } from '../src/db/index.js'
import { openDatabase, type OpenedDatabase } from '../src/db/node.js'
import type { Deps } from '../src/deps.js'
import { systemClock } from '../src/lib/clock.js'
import { silentLogger } from '../src/lib/log.js'
import { MemoryMailer } from '../src/mail/mailer.js'
import { createKeyring } from '../src/privacy/keys.js'

export const BENCH_SECRET = 'bench-secret-0123456789-0123456789-0123'

export interface BenchDatabase {
  opened: OpenedDatabase
  /** The scratch schema on PostgreSQL; undefined on PGlite. */
  schema: string | undefined
  /** Closes the database and drops the scratch schema. */
  close(): Promise<void>
}

/**
 * A fresh database migrated to the latest: a new schema `<prefix>_<time>` of `url` when there is
 * one, else PGlite in memory. `max` sizes the PostgreSQL pool.
 */
export async function openBenchDatabase(prefix: string, url: string | undefined, opts: { max?: number } = {}): Promise<BenchDatabase> {
  const schema = url ? `${prefix}_${Date.now().toString(36)}` : undefined
  if (schema) {
    const admin = await openDatabase({ databaseUrl: url, max: 1 })
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await admin.close()
  }
  const opened = await openDatabase({ databaseUrl: url, dataDir: 'memory://', ...(schema ? { searchPath: schema } : {}), ...(opts.max ? { max: opts.max } : {}) })
  const close = async () => {
    await opened.close()
    if (schema) {
      const admin = await openDatabase({ databaseUrl: url, max: 1 })
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    }
  }
  try {
    await migrateToLatest(opened.db)
  } catch (err) {
    await close()
    throw err
  }
  return { opened, schema, close }
}

/** The app's dependencies for a bench: test config, in-memory mailer, silent log, system clock. */
export async function benchDeps(db: Deps['db'], over: Partial<Deps> = {}): Promise<Deps> {
  const config = loadConfig({ NODE_ENV: 'test', SECRET: BENCH_SECRET, PUBLIC_URL: 'http://127.0.0.1' })
  return {
    db,
    config: { ...config, secret: BENCH_SECRET },
    clock: systemClock,
    keys: await createKeyring(BENCH_SECRET),
    mailer: new MemoryMailer(),
    log: silentLogger,
    clientIp: () => '127.0.0.1',
    passwords: nodePasswordHasher(),
    ...over,
  }
}
