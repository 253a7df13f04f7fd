import { sql } from 'kysely'
import { migrateToLatest } from '../../src/db/index.js'
import { openDatabase, type OpenedDatabase } from '../../src/db/node.js'

export const WORKER_SECRET = 'worker-test-secret-0123456789-0123456789'

export interface WorkerHarness {
  /** The worker's base URL (real HTTP into workerd). */
  url: URL
  /** The test's own connection to the worker's schema (Node side), for setup and checks. */
  db: OpenedDatabase['db']
  /** The connection string the worker got: the test database with `search_path` set to the schema. */
  workerDatabaseUrl: string
  worker: Awaited<ReturnType<typeof import('wrangler').unstable_startWorker>>
  close(): Promise<void>
}

/** Schemas an interrupted run left behind (older than an hour). */
async function dropStaleSchemas(db: OpenedDatabase['db']) {
  const { rows } = await sql<{ name: string }>`select nspname as name from pg_namespace where nspname like 'w\_%'`.execute(db)
  for (const { name } of rows) {
    const created = parseInt(name.split('_')[1] ?? '', 36)
    if (Number.isFinite(created) && Date.now() - created > 3_600_000) await sql`drop schema ${sql.id(name)} cascade`.execute(db)
  }
}

/**
 * A fresh schema in the database DATABASE_URL names, migrated from Node, and the worker
 * (wrangler.toml, src/server.worker.ts) started in workerd pointed at it. postgres.js turns
 * unknown URL parameters into connection parameters, so `?search_path=` selects the schema.
 */
export async function startWorkerHarness(databaseUrl: string, vars: Record<string, string> = {}): Promise<WorkerHarness> {
  const schema = `w_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const admin = await openDatabase({ databaseUrl, max: 1 })
  await dropStaleSchemas(admin.db)
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
  const opened = await openDatabase({ databaseUrl, searchPath: schema, max: 4 })
  await migrateToLatest(opened.db)

  const u = new URL(databaseUrl)
  u.searchParams.set('search_path', schema)
  const workerDatabaseUrl = u.toString()
  // wrangler insists on a local stand-in for the Hyperdrive binding, with a password in it (a
  // trust-auth server ignores it); the worker prefers DATABASE_URL, so this one is never used.
  const standIn = new URL(databaseUrl)
  if (!standIn.password) standIn.password = 'unused'
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE ??= standIn.toString()
  process.env.WRANGLER_SEND_METRICS = 'false'

  // Loaded here, not at the top: a skipped run (no DATABASE_URL) need not load wrangler.
  const { unstable_startWorker } = await import('wrangler')
  const plain = (value: string) => ({ type: 'plain_text' as const, value })
  const worker = await unstable_startWorker({
    config: 'wrangler.toml',
    envFiles: [],
    // `wrangler dev` derives this from wrangler.toml's nodejs_compat; startWorker leaves it unset.
    build: { nodejsCompatMode: 'v2' },
    bindings: {
      DATABASE_URL: plain(workerDatabaseUrl),
      SECRET: plain(WORKER_SECRET),
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, plain(v)])),
    },
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      persist: false,
      remote: false,
      logLevel: 'warn',
    },
  })
  // If workerd refuses the script, `ready` may never settle: fail with a clear line instead.
  let timer: ReturnType<typeof setTimeout> | undefined
  const url = await Promise.race([
    worker.ready.then(() => worker.url),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the worker did not start in workerd within 60 s (see wrangler output above)')), 60_000)
    }),
  ])
    .catch(async (err) => {
      await worker.dispose().catch(() => {})
      await opened.close()
      throw err
    })
    .finally(() => clearTimeout(timer))

  return {
    url,
    db: opened.db,
    workerDatabaseUrl,
    worker,
    async close() {
      await worker.dispose()
      await opened.close()
      const cleanup = await openDatabase({ databaseUrl, max: 1 })
      await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db)
      await cleanup.close()
    },
  }
}
