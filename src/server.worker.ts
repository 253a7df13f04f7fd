import { AsyncLocalStorage } from 'node:async_hooks'
import type { Context } from 'hono'
import { createApp, type App } from './app.js'
import { portablePasswordHasher } from './auth/passwords.js'
import { ThreadPageCache } from './comments/thread-cache.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import type { Database } from './db/index.js'
import { openRequestDatabase } from './db/postgres.js'
import type { Deps } from './deps.js'
import { errorBody } from './errors.js'
import { systemClock } from './lib/clock.js'
import { consoleLogger, type Logger } from './lib/log.js'
import { createHttpMailer } from './mail/http.js'
import type { Mailer } from './mail/mailer.js'
import { deliverDue } from './notifications/outbox.js'
import { sendDueDigests } from './follows/digest.js'
import { createKeyring, type Keyring } from './privacy/keys.js'
import { purgeIfDue } from './privacy/retention.js'

/** What wrangler.toml binds: the Hyperdrive binding plus string vars and secrets. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string }
  [name: string]: unknown
}

// The parts of the Workers runtime types this file uses (no @cloudflare/workers-types needed).
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException?(): void
}
export interface WorkerScheduledEvent {
  cron: string
  scheduledTime: number
}

// How many outbox rows one cron run may claim (a run must finish well inside its CPU budget).
// Only handlers may be exported from the Worker entry: workerd refuses any other value.
const CRON_BATCH = 50

const log: Logger = consoleLogger()

/** What one isolate keeps between requests; only the database client is per request. */
interface Booted {
  config: Config & { secret: string; databaseUrl: string }
  deps: Deps
  app: App
}

// The request's (or cron run's) own database client. The app is built once per isolate
// (building it costs ~4 ms of CPU here, serving a request from a built app ~0.2 ms; the free
// plan allows 10 ms), and its `deps.db` reads the client of the request it is serving.
// So code must read `deps.db` when it queries, never keep it (see kyselyAdapter in auth/session.ts).
const requestDb = new AsyncLocalStorage<Database>()

/** The Worker's string vars and secrets, as the environment `loadConfig` parses (no process.env). */
function configInput(env: WorkerEnv, publicUrl: string | undefined): Record<string, string | undefined> {
  const input: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') input[k] = v
  // DATABASE_URL (local dev, or a deliberate override) wins; in production Hyperdrive.
  if (!input.DATABASE_URL && env.HYPERDRIVE?.connectionString) input.DATABASE_URL = env.HYPERDRIVE.connectionString
  if (!input.PUBLIC_URL && publicUrl) input.PUBLIC_URL = publicUrl
  return input
}

const noMailer: Mailer = {
  name: 'none',
  async send() {
    // Throwing keeps the outbox rows for a later run once MAIL_API_URL is set.
    throw new ConfigError('No mail transport: set MAIL_API_URL (and the MAIL_API_KEY secret) to send email from Workers')
  },
}

let cache: { key: string; booted: Promise<Booted> } | null = null

/** Config, keyring and mailer, built once per isolate for the same bindings. */
function boot(env: WorkerEnv, publicUrl?: string): Promise<Booted> {
  const input = configInput(env, publicUrl)
  const key = JSON.stringify(input)
  if (cache?.key === key) return cache.booted
  const booted = (async (): Promise<Booted> => {
    const config = loadConfig(input)
    if (!config.secret)
      throw new ConfigError('Invalid configuration: SECRET is required on Cloudflare Workers (wrangler secret put SECRET; 32+ random characters)')
    if (!config.databaseUrl)
      throw new ConfigError('Invalid configuration: no database: bind Hyperdrive as HYPERDRIVE (production) or set DATABASE_URL (local development)')
    const mailer = config.mailApiUrl ? createHttpMailer({ url: config.mailApiUrl, apiKey: config.mailApiKey }) : noMailer
    const full = { ...config, secret: config.secret, databaseUrl: config.databaseUrl }
    const deps: Deps = {
      get db(): Database {
        const db = requestDb.getStore()
        if (!db) throw new Error('deps.db used outside a request or cron run')
        return db
      },
      config: full,
      clock: systemClock,
      keys: await createKeyring(config.secret),
      mailer,
      log,
      // Pure-JS argon2id: native modules cannot load in workerd; the PHC strings match Node's.
      passwords: portablePasswordHasher(),
      clientIp,
      // Given here so createApp does not copy deps (a copy would read the db getter once).
      threadCache: new ThreadPageCache(config.threadCacheSeconds * 1000),
      // A Worker cannot hold a stream across requests: /api/stream answers the polling fallback.
      stream: null,
    }
    return { config: full, deps, app: createApp(deps) }
  })()
  cache = { key, booted }
  booted.catch(() => {
    if (cache?.booted === booted) cache = null
  })
  return booted
}

function clientIp(c: Context): string | null {
  return c.req.header('cf-connecting-ip') ?? null
}

/** The answer while the Worker is misconfigured: the contract's error shape on /api, a short page elsewhere. */
function unconfigured(request: Request, err: ConfigError): Response {
  log.error('Parley is not configured', { error: err.message })
  const headers = { 'cache-control': 'no-store', 'retry-after': '60' }
  if (new URL(request.url).pathname.startsWith('/api/'))
    return Response.json(errorBody('unavailable', 'The comment service is not configured yet.'), { status: 503, headers })
  const page =
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Parley is not configured</title>' +
    '<body style="font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em">' +
    '<h1>Parley is not configured yet</h1>' +
    '<p>The operator can find what is missing in the Worker’s logs (<code>npx wrangler tail</code>) ' +
    'and in README, “Deploy to Cloudflare Workers”.</p></body></html>'
  return new Response(page, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } })
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response> {
    let booted: Booted
    try {
      booted = await boot(env, new URL(request.url).origin)
    } catch (err) {
      if (err instanceof ConfigError) return unconfigured(request, err)
      throw err
    }
    const pg = openRequestDatabase(booted.config.databaseUrl)
    try {
      return await requestDb.run(pg.db, () => booted.app.fetch(request))
    } finally {
      ctx.waitUntil(pg.close())
    }
  },

  /** The cron trigger: the hourly retention purge, and due email from the outbox; requests never wait for mail. */
  async scheduled(_event: WorkerScheduledEvent, env: WorkerEnv, ctx: WorkerContext): Promise<void> {
    let booted: Booted
    try {
      booted = await boot(env)
    } catch (err) {
      if (err instanceof ConfigError) {
        log.error('Parley is not configured; email delivery skipped', { error: err.message })
        return
      }
      throw err
    }
    // Retention (spam, rejected, IP keys): at most hourly, whatever the mail setup.
    const purgeDb = openRequestDatabase(booted.config.databaseUrl)
    try {
      await requestDb.run(purgeDb.db, () => purgeIfDue(booted.deps))
    } catch (err) {
      log.error('retention purge failed', { error: String((err as Error)?.message ?? err) })
    } finally {
      ctx.waitUntil(purgeDb.close())
    }
    if (typeof env.PUBLIC_URL !== 'string' || !env.PUBLIC_URL) {
      // Without a request there is no origin to fall back on, and emails need absolute links.
      log.error('PUBLIC_URL is not set: email delivery waits until it is (wrangler.toml [vars])')
      return
    }
    if (!booted.config.mailApiUrl) {
      // Leave the rows pending (not retried into failure) until a transport is configured.
      log.warn('MAIL_API_URL is not set: due email stays in the outbox')
      return
    }
    const pg = openRequestDatabase(booted.config.databaseUrl)
    try {
      // Due follow digests go into the outbox first, then the outbox is delivered.
      const r = await requestDb.run(pg.db, async () => {
        await sendDueDigests(booted.deps, { limit: CRON_BATCH })
        return deliverDue(booted.deps, { limit: CRON_BATCH })
      })
      if (r.claimed) log.info('outbox delivery', r)
    } finally {
      ctx.waitUntil(pg.close())
    }
  },
}
