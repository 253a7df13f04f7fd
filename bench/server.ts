// The benchmark's server process: the real app on PGlite (or DATABASE_URL), seeded, beside a
// bare Hono route on its own port. Prints one JSON line when ready; the parent drives the load.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { sql } from 'kysely'
import { createApp } from '../src/app.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { loadConfig } from '../src/config.js'
import { migrateToLatest } from '../src/db/index.js'
import { openDatabase } from '../src/db/node.js'
import type { Deps } from '../src/deps.js'
import { systemClock } from '../src/lib/clock.js'
import { silentLogger } from '../src/lib/log.js'
import { MemoryMailer } from '../src/mail/mailer.js'
import { createKeyring } from '../src/privacy/keys.js'
import { addSite } from '../src/sites/site.service.js'
import { seedModeratorSession, seedPendingComments } from '../test/helpers/seed.js'

const SECRET = 'bench-secret-0123456789-0123456789-0123'
const schema = process.env.DATABASE_URL ? `bench_${Date.now().toString(36)}` : undefined
if (schema) {
  const admin = await openDatabase({ databaseUrl: process.env.DATABASE_URL, max: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
}
const opened = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://', ...(schema ? { searchPath: schema } : {}) })
await migrateToLatest(opened.db)
const config = loadConfig({ NODE_ENV: 'test', SECRET, PUBLIC_URL: 'http://127.0.0.1' })
const deps: Deps = {
  db: opened.db,
  config: { ...config, secret: SECRET },
  clock: systemClock,
  keys: await createKeyring(SECRET),
  mailer: new MemoryMailer(),
  log: silentLogger,
  clientIp: () => '127.0.0.1',
  passwords: nodePasswordHasher(),
}
await addSite(opened.db, { id: 'bench', origins: [], settings: { moderationMode: 'post', floodSeconds: 0, maxLinks: 0 } }, new Date())
const app = createApp(deps)

// Seed: one thread with 200 approved comments (a quarter of them replies), and 50 small threads.
const post = async (body: Record<string, unknown>) => {
  const res = await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}
const tops: string[] = []
for (let i = 0; i < 200; i++) {
  const parentId = i % 4 === 3 ? tops[tops.length - 1] : undefined
  const id = await post({
    site: 'bench', uri: '/big-thread', title: 'A big thread', name: `Reader ${i}`, email: `reader${i}@example.org`,
    body: `Comment ${i}: **Lorem ipsum** dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. https://example.org/${i}`,
    ...(parentId ? { parentId } : {}),
  })
  if (!parentId) tops.push(id)
}
for (let i = 0; i < 50; i++) for (let j = 0; j < 3; j++) await post({ site: 'bench', uri: `/article-${i}`, name: `R${j}`, email: `r${i}-${j}@example.org`, body: `count me ${i}-${j}` })

// The moderation desk: 10,000 pending comments on their own site, and a moderator's session.
await addSite(opened.db, { id: 'queue', origins: [] }, new Date())
await seedPendingComments(opened.db, 'queue', 10_000)
const cookie = await seedModeratorSession(deps)

const bare = new Hono().get('/bare', (c) => c.json({ ok: true }))
const appServer = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
const bareServer = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' })
await new Promise((r) => setTimeout(r, 200))
const port = (s: typeof appServer) => (s.address() as { port: number }).port
console.log(JSON.stringify({ ready: true, app: port(appServer), bare: port(bareServer), database: opened.kind, cookie }))

const stop = async () => {
  appServer.close()
  bareServer.close()
  if (schema) await sql`drop schema ${sql.id(schema)} cascade`.execute(opened.db).catch(() => {})
  await opened.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
