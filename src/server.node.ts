import { createTempUploads } from './imports/uploads.node.js'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { createApp } from './app.js'
import { firstAdminHint } from './cli/commands.js'
import { adminExists, newFirstAdminSetup } from './auth/setup.service.js'
import { nodePasswordHasher } from './auth/passwords.node.js'
import { ensureDemoSite, recordPublicUrl, resolveSecret } from './bootstrap.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { migrateToLatest } from './db/index.js'
import { DataDirLockedError, tookOverNotice } from './db/lock.node.js'
import { keepUpOnStrayConnectionErrors, openDatabase, type OpenedDatabase } from './db/node.js'
import type { Deps } from './deps.js'
import { systemClock } from './lib/clock.js'
import { consoleLogger, type Logger } from './lib/log.js'
import { createNodeMailer } from './mail/node.js'
import { createKeyring } from './privacy/keys.js'
import { rekeyAvatars } from './privacy/avatar-keys.js'
import { clientIpFrom, compileTrust, type TrustProxy } from './http/client-ip.js'
import { startOutboxWorker } from './notifications/outbox.js'
import { startDigestWorker } from './follows/digest.js'
import { drainHttpServer, trackInFlight } from './http/shutdown.node.js'
import { serveApp } from './http/near-wire.node.js'
import { startRetentionWorker } from './privacy/retention.js'

/** The socket peer's address: never a header. */
export function nodeSocketIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null
  } catch {
    return null
  }
}

/** The client's address by TRUST_PROXY (see src/http/client-ip.ts): the socket, or the right-most untrusted hop. */
export function nodeClientIp(trustProxy: TrustProxy) {
  const trust = compileTrust(trustProxy)
  if (trustProxy === false) return (c: Context): string | null => clientIpFrom(nodeSocketIp(c), null, trust)
  return (c: Context): string | null => clientIpFrom(nodeSocketIp(c), c.req.header('x-forwarded-for'), trust)
}

/**
 * Opens the database, migrates, resolves the secret: what the server, worker and CLI share.
 * `command` names the process in the embedded database's lock (a server adds its port), so a
 * second process on the same PGlite directory is refused with one line saying who holds it.
 */
export async function bootNode(
  env: Record<string, string | undefined> = process.env,
  log: Logger = consoleLogger(),
  who: { command: string; server?: boolean } = { command: 'npm start', server: true },
) {
  const config = loadConfig(env)
  const opened = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    holder: { command: who.command, port: who.server ? config.port : null },
  })
  const stale = tookOverNotice(opened.lock, config.dataDir)
  if (stale) log.warn(stale)
  const applied = await migrateToLatest(opened.db)
  if (applied.length) log.info('migrations applied', { migrations: applied })
  const secret = await resolveSecret(opened.db, config, log)
  const keys = await createKeyring(secret)
  const rekeyed = await rekeyAvatars(opened.db, keys)
  if (rekeyed) log.info('avatar keys made per site', { comments: rekeyed })
  const deps: Deps = {
    db: opened.db,
    config: { ...config, secret },
    clock: systemClock,
    keys,
    mailer: createNodeMailer(config, opened.db, log),
    log,
    passwords: nodePasswordHasher(),
    clientIp: nodeClientIp(config.trustProxy),
    socketIp: nodeSocketIp,
    uploads: createTempUploads(),
  }
  return { deps, opened }
}

async function main() {
  const log = consoleLogger()
  keepUpOnStrayConnectionErrors((msg, fields) => log.warn(msg, fields))
  let booted: { deps: Deps; opened: OpenedDatabase }
  try {
    booted = await bootNode(process.env, log)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  const { deps, opened } = booted
  const config: Config = deps.config
  if (config.demo) await ensureDemoSite(deps.db, config, deps.clock.now())
  // No admin yet: a one-time link to make the first in the browser (no second process needed).
  if (!(await adminExists(deps))) deps.firstAdminSetup = newFirstAdminSetup()
  const app = createApp(deps)
  const server = serveApp(() => app, { port: config.port, hostname: config.host }, (info) => {
    opened.lock?.setPort(info.port)
    const url = config.publicUrlSet ? config.publicUrl : `http://localhost:${info.port}`
    log.info(`Parley is listening on ${url} (port ${info.port}, database: ${opened.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`)
    recordPublicUrl(deps.db, url).catch((err) => log.warn('could not note the public URL for the CLI', { error: String(err) }))
    void firstAdminHint(deps, { embedded: opened.kind === 'pglite' }).then(
      (hint) => hint && console.log(hint),
      (err) => log.warn('could not check for an admin', { error: String(err) }),
    )
  })
  trackInFlight(server)
  const worker = startOutboxWorker(deps, { intervalMs: config.workerIntervalMs })
  const retention = startRetentionWorker(deps)
  const digests = startDigestWorker(deps, { intervalMs: config.workerIntervalMs })
  let stopping = false
  // In order: stop accepting and close idle keep-alive sockets, let in-flight requests finish
  // (10 s at most), stop the mail worker (it finishes the messages it holds), close the
  // database. A shutdown that still hangs is cut at 15 s.
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: shutting down (in-flight requests get up to ${SHUTDOWN_REQUESTS_MS / 1000} s)`)
    setTimeout(() => {
      log.error(`shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s; exiting now`)
      process.exit(1)
    }, SHUTDOWN_LIMIT_MS).unref()
    const workerStopped = Promise.all([worker.stop(), retention.stop(), digests.stop()])
    await drainHttpServer(server, {
      capMs: SHUTDOWN_REQUESTS_MS,
      onForced: (open) => log.warn(`closed ${open} request(s) still running after ${SHUTDOWN_REQUESTS_MS / 1000} s`),
    })
    await workerStopped
    await deps.mailer.close?.()
    await opened.close()
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** How long in-flight requests may run after SIGTERM/SIGINT, and the whole shutdown at most. */
export const SHUTDOWN_REQUESTS_MS = 10_000
export const SHUTDOWN_LIMIT_MS = 15_000

if (import.meta.url === `file://${process.argv[1]}`) await main()
