// EXPLAIN (ANALYZE, BUFFERS) of every statement the hot paths send: the post transaction (a
// published comment, and a held one that mails the moderators), the thread read, the counts, and
// the moderator queue page with its per-status counts. The statements are the app's own, captured
// through Kysely's log while real requests run; the post transactions are then replayed with
// EXPLAIN ANALYZE in a transaction that is rolled back. On a small site, then (--big N) after
// seeding N comments in N/50 threads of the same site. PostgreSQL only (DATABASE_URL); works in a
// scratch schema, dropped at the end. Prints Markdown: `npx tsx bench/explain.ts --big 1000000`.
import { CompiledQuery, Kysely, sql } from 'kysely'
import postgres from 'postgres'
import { createApp } from '../src/app.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../src/auth/passwords.js'
import { loadConfig } from '../src/config.js'
import { migrateToLatest } from '../src/db/index.js'
import { PostgresPoolDialect } from '../src/db/postgres-driver.js'
import type { Deps } from '../src/deps.js'
import { systemClock } from '../src/lib/clock.js'
import { silentLogger } from '../src/lib/log.js'
import { MemoryMailer } from '../src/mail/mailer.js'
import { createKeyring } from '../src/privacy/keys.js'
import { addSite } from '../src/sites/site.service.js'
import { seedModeratorSession, seedPendingComments } from '../test/helpers/seed.js'
import { seedBigSite } from './seed-big.js'
import type { DB } from '../db/schema.js'

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL is needed')
const bigAt = process.argv.indexOf('--big')
const BIG = bigAt > 0 ? Number(process.argv[bigAt + 1]) : 0
const schema = `explain_${Date.now().toString(36)}`

let capture: CompiledQuery[] | null = null
const makeDb = () =>
  new Kysely<DB>({
    dialect: new PostgresPoolDialect({
      max: 4,
      queryTimeoutMs: 900_000, // the big seed is one long statement
      createClient: (o) => postgres(url, { ...o, onnotice: () => {}, connection: { search_path: schema } }),
    }),
    log: (e) => {
      if (capture && e.level === 'query') capture.push(e.query)
    },
  })
{
  const admin = makeDb()
  await sql`create schema ${sql.id(schema)}`.execute(admin)
  await admin.destroy()
}
const db = makeDb()
const out: string[] = []
const p = (s = '') => out.push(s)
try {
  await migrateToLatest(db)
  const SECRET = 'bench-secret-0123456789-0123456789-0123'
  const config = loadConfig({ NODE_ENV: 'test', SECRET, PUBLIC_URL: 'http://127.0.0.1' })
  let ip = 0
  const deps: Deps = {
    db,
    config: { ...config, secret: SECRET },
    clock: systemClock,
    keys: await createKeyring(SECRET),
    mailer: new MemoryMailer(),
    log: silentLogger,
    // A new address per request: flood control (15 s, the default) stays on without refusing the seed.
    clientIp: () => `10.0.${(ip >> 8) & 255}.${ip++ & 255}`,
    passwords: nodePasswordHasher(CHEAP_ARGON2),
  }
  const app = createApp(deps)
  await addSite(db, { id: 'bench', origins: [], settings: { moderationMode: 'post', maxLinks: 0 } }, new Date())
  await addSite(db, { id: 'held', origins: [], settings: { moderationMode: 'pre', moderatorEmails: ['desk@newsroom.example'] } }, new Date())
  const post = async (body: Record<string, unknown>) => {
    const res = await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (res.status !== 201 && res.status !== 202) throw new Error(`post failed: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { comment: { id: string } }).comment.id
  }
  const tops: string[] = []
  for (let i = 0; i < 200; i++) {
    const parentId = i % 4 === 3 ? tops[tops.length - 1] : undefined
    const id = await post({ site: 'bench', uri: '/big-thread', title: 'A big thread', name: `Reader ${i}`, email: `reader${i}@example.org`, body: `Comment ${i}: lorem ipsum.`, ...(parentId ? { parentId } : {}) })
    if (!parentId) tops.push(id)
  }
  for (let i = 0; i < 50; i++) for (let j = 0; j < 3; j++) await post({ site: 'bench', uri: `/article-${i}`, name: `R${j}`, email: `r${i}-${j}@example.org`, body: `count me ${i}-${j}` })
  for (let i = 0; i < 500; i++) await post({ site: 'bench', uri: '/hot', name: `Hot ${i}`, email: `hot${i}@example.org`, body: `hot ${i}` })
  await addSite(db, { id: 'queue', origins: [] }, new Date())
  await seedPendingComments(db, 'queue', 10_000)
  const cookie = await seedModeratorSession(deps)

  const conn = postgres(url, { max: 1, onnotice: () => {}, connection: { search_path: schema } })
  const explain = async (q: CompiledQuery) => {
    const rows = await conn.unsafe(`explain (analyze, buffers) ${q.sql}`, q.parameters as any[])
    return rows.map((r) => r['QUERY PLAN'] as string)
  }
  const show = (q: CompiledQuery, plan: string[]) => {
    const head = q.sql.replace(/\s+/g, ' ').trim()
    const time = plan.find((l) => l.startsWith('Execution Time'))
    p(`#### \`${head.length > 160 ? head.slice(0, 157) + '…' : head}\``)
    p(`${time ?? ''}`)
    p('```')
    for (const l of plan) p(l)
    p('```')
  }
  /** Runs a request with the statements captured; then EXPLAINs each (writes in a rolled-back transaction). */
  const traced = async (title: string, run: () => Promise<unknown>, undo?: () => Promise<void>) => {
    capture = []
    await run()
    const qs = capture.filter((q) => !/^(begin|commit|rollback)$/i.test(q.sql.trim()))
    capture = null
    await undo?.()
    p(`### ${title}: ${qs.length} statements`)
    p()
    await conn.unsafe('begin')
    try {
      for (const q of qs) show(q, await explain(q))
    } finally {
      await conn.unsafe('rollback')
    }
    p()
  }
  /** The post's rows are deleted after capture, so the replay inserts them again. */
  const undoPost = (id: () => string) => async () => {
    await sql`delete from email_outbox where comment_id = ${id()}`.execute(db)
    await sql`delete from moderation_actions where comment_id = ${id()}`.execute(db)
    await sql`delete from comments where id = ${id()}`.execute(db)
  }
  const round = async (label: string) => {
    await sql`analyze`.execute(db)
    p(`## ${label}`)
    p()
    let id = ''
    const n = Date.now()
    await traced('Post, published (site in post mode), on the hot thread', async () => (id = await post({ site: 'bench', uri: '/hot', name: `E ${n}`, email: `e${n}@example.org`, body: `explained ${n}` })), undoPost(() => id))
    await traced('Post, held (pre-moderation; mails the moderators)', async () => (id = await post({ site: 'held', uri: '/held', name: `F ${n}`, email: `f${n}@example.org`, body: `explained ${n}` })), undoPost(() => id))
    await traced('Thread read, 200 comments (cache cold)', async () => {
      deps.threadCache?.invalidateThread((await db.selectFrom('threads').select('id').where('uri', '=', '/big-thread').executeTakeFirstOrThrow()).id)
      const res = await app.request('/api/comments?site=bench&uri=/big-thread&limit=200')
      if (res.status !== 200) throw new Error(`read ${res.status}`)
    })
    const uris = Array.from({ length: 50 }, (_, i) => `uri=/article-${i}`).join('&')
    await traced('Counts for 50 uris', async () => app.request(`/api/counts?site=bench&${uris}`))
    await traced('Moderator queue API: 50 of the pending queue, and the per-status counts', async () => {
      const res = await app.request(`/api/mod/queue?site=${BIG && label.startsWith('After') ? 'bench' : 'queue'}&queue=pending&limit=50`, { headers: { cookie } })
      if (res.status !== 200) throw new Error(`queue ${res.status} ${await res.text()}`)
    })
  }
  await round('Small database (200-comment thread, 500-comment hot thread, 10,000 pending on the queue site)')
  if (BIG) {
    const t0 = performance.now()
    await seedBigSite(db, { siteId: 'bench', comments: BIG, threads: BIG / 50 })
    p(`_Seeded ${BIG.toLocaleString('en-US')} comments in ${(BIG / 50).toLocaleString('en-US')} threads in ${((performance.now() - t0) / 1000).toFixed(0)} s._`)
    p()
    await round(`After seeding ${BIG.toLocaleString('en-US')} comments into the same site (queue: 50 of its ${(BIG / 10).toLocaleString('en-US')} pending)`)
  }
  await conn.end()
} finally {
  await sql`drop schema ${sql.id(schema)} cascade`.execute(db).catch(() => {})
  await db.destroy()
}
console.log(out.join('\n'))
