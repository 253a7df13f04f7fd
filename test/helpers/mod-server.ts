import { serve } from '@hono/node-server'
import { createTempUploads } from '../../src/imports/uploads.node.js'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../src/app.js'
import { nodePasswordHasher } from '../../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../../src/auth/passwords.js'
import type { FirstAdminSetup } from '../../src/auth/setup.service.js'
import { createUser } from '../../src/auth/user.service.js'
import { loadConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import { systemClock } from '../../src/lib/clock.js'
import { memoryLogger } from '../../src/lib/log.js'
import { MemoryMailer } from '../../src/mail/mailer.js'
import { createKeyring } from '../../src/privacy/keys.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { addSite } from '../../src/sites/site.service.js'
import { NEWS_ORIGIN, TEST_SECRET } from './app.js'
import { createTestDb, type TestDb } from './db.js'

export interface ModServer {
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL. */
  url: string
  deps: Deps
  testDb: TestDb
  admin: { email: string; password: string }
  /** POST /api/comments for the `news` site from a fresh client IP (flood control stays out of the way). */
  postComment(body: Record<string, unknown>): Promise<Response>
  /**
   * A slow server, for tests: every answer to a desk form post (`POST /mod/…`) waits this long
   * after the app has acted (0: none). Lives here in the test server, never in the app.
   */
  setDeskPostDelay(ms: number): void
  close(): Promise<void>
}

let ip = 0

/**
 * The real app on a real listener (port 0) and a fresh test database, for browser tests of the
 * moderator UI: a `news` site (origins: this server and https://news.example) and an admin.
 */
export async function startModServer(
  opts: {
    settings?: Partial<SiteSettings>
    /** no admin yet: a fresh install (with a setup link) */ firstAdminSetup?: FirstAdminSetup
    /** Extra environment for the real config loader (e.g. LIVE_POLL_SECONDS). */
    env?: Record<string, string>
  } = {},
): Promise<ModServer> {
  const testDb = await createTestDb()
  let fetchApp: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 })
  const server = serve({ fetch: (req) => fetchApp(req), port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: url, SECRET: TEST_SECRET, THREAD_CACHE_SECONDS: '0', ...opts.env })
  const deps: Deps = {
    db: testDb.db,
    config: { ...config, secret: TEST_SECRET },
    clock: systemClock,
    keys: await createKeyring(TEST_SECRET),
    mailer: new MemoryMailer(),
    log: memoryLogger(),
    passwords: nodePasswordHasher(CHEAP_ARGON2),
    clientIp: (c) => c.req.header('x-test-ip') ?? '127.0.0.1',
    uploads: createTempUploads(),
    ...(opts.firstAdminSetup ? { firstAdminSetup: opts.firstAdminSetup } : {}),
  }
  await addSite(testDb.db, { id: 'news', name: 'News Example', origins: [NEWS_ORIGIN, url], settings: opts.settings }, new Date())
  const admin = { email: 'editor@newsroom.example', password: 'a-long-admin-password' }
  if (!opts.firstAdminSetup) await createUser(testDb.db, deps.passwords, { ...admin, role: 'admin', sites: null }, new Date())
  const app = createApp(deps)
  let deskPostDelay = 0
  fetchApp = async (req) => {
    const res = await app.fetch(req)
    if (deskPostDelay && req.method === 'POST' && new URL(req.url).pathname.startsWith('/mod/')) await new Promise((r) => setTimeout(r, deskPostDelay))
    return res
  }
  return {
    url,
    deps,
    testDb,
    admin,
    postComment: (body) =>
      fetch(`${url}/api/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-ip': `198.18.${Math.floor(++ip / 250) % 250}.${(ip % 250) + 1}` },
        body: JSON.stringify({ site: 'news', ...body }),
      }),
    setDeskPostDelay(ms) {
      deskPostDelay = ms
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await testDb.close()
    },
  }
}
