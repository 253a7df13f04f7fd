import { createApp } from './src/app.js'
import { loadConfig } from './src/config.js'
import { migrateToLatest } from './src/db/index.js'
import { openDatabase } from './src/db/node.js'
import { systemClock } from './src/lib/clock.js'
import { silentLogger } from './src/lib/log.js'
import { MemoryMailer } from './src/mail/mailer.js'
import { createKeyring } from './src/privacy/keys.js'
import { addSite } from './src/sites/site.service.js'
const SECRET = 'x'.repeat(40)
const o = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' })
await migrateToLatest(o.db)
const deps: any = { db: o.db, config: { ...loadConfig({ SECRET }), secret: SECRET }, clock: systemClock, keys: await createKeyring(SECRET), mailer: new MemoryMailer(), log: silentLogger, clientIp: () => '1.2.3.4' }
await addSite(o.db, { id: 'b', origins: [], settings: { moderationMode: 'post', floodSeconds: 0, maxLinks: 0 } }, new Date())
const app = createApp(deps)
for (let i = 0; i < 200; i++) await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'b', uri: '/t', name: 'R' + i, email: `r${i}@x.org`, body: `Comment ${i}: **Lorem ipsum** dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore https://example.org/${i}` }) })
for (const round of [1, 2]) {
  const t0 = performance.now(); const N = 300
  for (let i = 0; i < N; i++) { const r = await app.request('/api/comments?site=b&uri=/t&limit=200'); await r.text() }
  console.log(o.kind, 'GET thread', ((performance.now() - t0) / N).toFixed(2), 'ms')
}
const t0 = performance.now()
for (let i = 0; i < 300; i++) { const r = await app.request('/api/counts?site=b&uri=/t'); await r.text() }
console.log('counts', ((performance.now() - t0) / 300).toFixed(2), 'ms')
await o.close()
