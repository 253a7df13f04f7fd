import type { ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../src/app.js'
import { serveApp } from '../../src/http/near-wire.node.js'
import { ThreadPageCache } from '../../src/comments/thread-cache.js'
import { nodePasswordHasher } from '../../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../../src/auth/passwords.js'
import { DEMO_SITE, ensureDemoSite } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import { systemClock } from '../../src/lib/clock.js'
import { memoryLogger } from '../../src/lib/log.js'
import { MemoryMailer } from '../../src/mail/mailer.js'
import { createKeyring } from '../../src/privacy/keys.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { nodeClientIp, nodeSocketIp } from '../../src/server.node.js'
import { createNodeMailer } from '../../src/mail/node.js'
import { createTestDb, type TestDb } from './db.js'
import { TEST_SECRET } from './app.js'

export interface TestServer {
  /** http://127.0.0.1:<port>, the service's public address */
  url: string
  deps: Deps
  testDb: TestDb
  mailer: MemoryMailer
  logLines: string[]
  /** Merges settings into the demo site's stored settings. */
  setDemoSettings(s: Partial<SiteSettings>): Promise<void>
  close(): Promise<void>
}

/**
 * The real app on a real listener (port 0) and a fresh test database, with the demo site,
 * as `npm start` runs it. The public URL is the listener's own address, so avatars and the
 * widget's API calls stay on one origin.
 */
export async function startTestServer(opts: {
  /** Extra environment (e.g. TRUST_PROXY, SMTP_URL), parsed by the real config loader. */
  env?: Record<string, string>
  /** The mailer as `npm start` would pick it from the environment (dev mailbox or SMTP) instead of a memory one. */
  nodeMailer?: boolean
  /** Deps to set or replace (e.g. `stream: null`: a server without live streams, as on Workers). */
  deps?: Partial<Deps>
} = {}): Promise<TestServer> {
  const testDb = await createTestDb()
  let app: ReturnType<typeof createApp> | null = null
  // As `npm start` serves (cached pages and counts answered in front of the app).
  const server: ServerType = serveApp(() => app, { port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: url, PORT: String(port), SECRET: TEST_SECRET, DEMO: 'true', ...opts.env })
  const mailer = new MemoryMailer()
  const log = memoryLogger()
  const deps: Deps = {
    db: testDb.db,
    config: { ...config, secret: TEST_SECRET },
    clock: systemClock,
    keys: await createKeyring(TEST_SECRET),
    mailer: opts.nodeMailer ? createNodeMailer(config, testDb.db, log) : mailer,
    log,
    passwords: nodePasswordHasher(CHEAP_ARGON2),
    clientIp: nodeClientIp(config.trustProxy),
    socketIp: nodeSocketIp,
    // The app's own page cache, made here so setDemoSettings can drop the site's pages as the admin API does.
    threadCache: new ThreadPageCache(config.threadCacheSeconds * 1000),
    ...opts.deps,
  }
  await ensureDemoSite(deps.db, config, deps.clock.now())
  app = createApp(deps)
  return {
    url,
    deps,
    testDb,
    mailer,
    logLines: log.lines,
    async setDemoSettings(s) {
      const site = await getSite(deps.db, DEMO_SITE)
      await setSiteSettings(deps.db, DEMO_SITE, { ...site!.storedSettings, ...s })
      deps.threadCache?.invalidateSite(DEMO_SITE)
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await testDb.close()
    },
  }
}
