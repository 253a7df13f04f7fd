import { createApp, type App } from '../../src/app.js'
import { nodePasswordHasher } from '../../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../../src/auth/passwords.js'
import { loadConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import { ManualClock } from '../../src/lib/clock.js'
import { memoryLogger } from '../../src/lib/log.js'
import { MemoryMailer } from '../../src/mail/mailer.js'
import { createKeyring } from '../../src/privacy/keys.js'
import { addSite } from '../../src/sites/site.service.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { createTestDb, type TestDb } from './db.js'

export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef'
export const PUBLIC_URL = 'http://parley.test'
export const NEWS_ORIGIN = 'https://news.example'

export interface TestContext {
  app: App
  deps: Deps
  testDb: TestDb
  clock: ManualClock
  mailer: MemoryMailer
  logLines: string[]
  /** Sends a request to the app; JSON bodies are serialised, `ip` becomes the client IP. */
  request(method: string, path: string, opts?: { json?: unknown; headers?: Record<string, string>; ip?: string; body?: BodyInit }): Promise<Response>
  close(): Promise<void>
}

/**
 * The real app on a real (fresh) database, with a manual clock, an in-memory mailer and
 * a `news` site (origin https://news.example). The client IP comes from the `ip` option.
 */
export async function createTestContext(opts: { settings?: Partial<SiteSettings>; deps?: Partial<Deps> } = {}): Promise<TestContext> {
  const testDb = await createTestDb()
  const clock = new ManualClock()
  const mailer = new MemoryMailer()
  const log = memoryLogger()
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: PUBLIC_URL, SECRET: TEST_SECRET })
  const deps: Deps = {
    db: testDb.db,
    config: { ...config, secret: TEST_SECRET },
    clock,
    keys: await createKeyring(TEST_SECRET),
    mailer,
    log,
    // Real argon2id with cheap parameters: login tests stay fast.
    passwords: nodePasswordHasher(CHEAP_ARGON2),
    clientIp: (c) => c.req.header('x-test-ip') ?? null,
    ...opts.deps,
  }
  await addSite(testDb.db, { id: 'news', name: 'News Example', origins: [NEWS_ORIGIN], settings: opts.settings }, clock.now())
  const app = createApp(deps)
  let ipCounter = 0
  return {
    app,
    deps,
    testDb,
    clock,
    mailer,
    logLines: log.lines,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers }
      // Each request gets its own IP unless the test names one, so flood control stays out of the way.
      headers['x-test-ip'] = o.ip ?? `198.51.100.${(ipCounter++ % 250) + 1}`
      let body: BodyInit | undefined = o.body
      if (o.json !== undefined) {
        body = JSON.stringify(o.json)
        headers['content-type'] ??= 'application/json'
      }
      return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) })
    },
    close: () => testDb.close(),
  }
}

let seq = 0
/** A valid comment body for the `news` site; every call a distinct author and text. */
export function newComment(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++
  return {
    site: 'news',
    uri: '/2026/11/cartels',
    title: 'The Trump administration is planning operations against the cartels in Mexico',
    body: `A thoughtful comment number ${seq}.`,
    name: `Reader ${seq}`,
    email: `reader${seq}@example.org`,
    ...over,
  }
}
