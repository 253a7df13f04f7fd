// The benchmark's server process: the real app on PostgreSQL (DATABASE_URL, in a scratch schema)
// or PGlite, seeded, beside a bare node:http route on its own port (the baseline). Talks to
// bench/run.ts over IPC: sends `ready` once seeded, answers `rss` with its peak RSS so far and `cpu` with
// its CPU time (µs, user + system).
import { createServer, get as httpGet } from 'node:http'
import { sql } from 'kysely'
import { createApp } from '../src/app.js'
import { serveApp } from '../src/http/near-wire.node.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../src/auth/passwords.js'
import { addSite } from '../src/sites/site.service.js'
import { seedModeratorSession, seedPendingComments } from '../test/helpers/seed.js'
import { benchDeps, openBenchDatabase } from './setup.js'

const url = process.env.BENCH_DB === 'pglite' ? undefined : process.env.DATABASE_URL
const minimal = process.env.BENCH_ROLE === 'queue' // the PGlite queue server: only the queue site

let peakRss = process.memoryUsage().rss
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250).unref()
// BENCH_MEM_TRACE=1: the server's memory every second on stderr (rss, heap total/used, external, array buffers, MB).
if (process.env.BENCH_MEM_TRACE) {
  const t0 = Date.now()
  setInterval(() => {
    const m = process.memoryUsage()
    const mb = (b: number) => (b / 1048576).toFixed(0)
    console.error(`mem ${((Date.now() - t0) / 1000).toFixed(0)}s rss ${mb(m.rss)} heap ${mb(m.heapTotal)}/${mb(m.heapUsed)} ext ${mb(m.external)} ab ${mb(m.arrayBuffers)}`)
  }, 1000).unref()
}

const bench = await openBenchDatabase('bench', url)
const { opened, schema } = bench
const deps = await benchDeps(opened.db, { passwords: nodePasswordHasher(CHEAP_ARGON2) })
const app = createApp(deps)

if (!minimal) {
  await addSite(opened.db, { id: 'bench', origins: [], settings: { moderationMode: 'post', floodSeconds: 0, maxLinks: 0 } }, new Date())
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
}
// The moderation desk: 10,000 pending comments on their own site, and a moderator's session.
await addSite(opened.db, { id: 'queue', origins: [] }, new Date())
await seedPendingComments(opened.db, 'queue', 10_000)
await sql`analyze`.execute(opened.db)
const cookie = await seedModeratorSession(deps)

const body = JSON.stringify({ ok: true })
// `/bare-read`: the same bare route writing the thread read's gzipped answer (its bytes and
// headers, taken from the app once seeded) — what node:http itself allows for that many bytes.
let readAnswer: { headers: Record<string, string | string[] | undefined>; body: Buffer } | null = null
const bareServer = createServer((req, res) => {
  if (req.url === '/bare-read' && readAnswer) {
    res.writeHead(200, readAnswer.headers)
    return res.end(readAnswer.body)
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r))
// As `npm start` serves: cached thread pages and counts answered in front of the app (near-wire.node.ts).
const appServer = serveApp(() => app, { port: 0, hostname: '127.0.0.1' })
await new Promise((r) => setTimeout(r, 200))
const port = (s: { address(): unknown }) => (s.address() as { port: number }).port
if (!minimal) {
  readAnswer = await new Promise((resolve, reject) =>
    httpGet({ host: '127.0.0.1', port: port(appServer), path: '/api/comments?site=bench&uri=/big-thread&limit=200', headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...headers } = res.headers
      res.on('end', () => resolve({ headers, body: Buffer.concat(chunks) }))
    }).on('error', reject),
  )
}
process.send!({ ready: true, app: port(appServer), bare: port(bareServer), database: opened.kind, schema: schema ?? null, cookie })

// BENCH_CPU_PROF: the parent asks for a V8 CPU profile (what `node --cpu-prof` records) of one
// scenario at a time, so seeding and idle time stay out of it.
const profiler = process.env.BENCH_CPU_PROF ? new (await import('node:inspector/promises')).Session() : null
profiler?.connect()
await profiler?.post('Profiler.enable')

process.on('message', async (msg: { rss?: boolean; cpu?: boolean; query?: string; stop?: boolean; profile?: 'start' | string }) => {
  if (msg.rss) process.send!({ rss: Math.max(peakRss, process.memoryUsage.rss()) })
  if (msg.cpu) {
    const c = process.cpuUsage()
    process.send!({ cpu: c.user + c.system })
  }
  if (msg.profile === 'start') {
    await profiler?.post('Profiler.start')
    process.send!({ profiling: true })
  } else if (msg.profile) {
    const r = profiler ? await profiler.post('Profiler.stop') : null
    if (r) (await import('node:fs')).writeFileSync(msg.profile, JSON.stringify(r.profile))
    process.send!({ profiled: msg.profile })
  }
  if (msg.query) {
    // The pool may still be busy with the last requests of a run: wait for it.
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await sql.raw(msg.query).execute(opened.db)
        process.send!({ rows: r.rows })
        break
      } catch (err) {
        if (attempt >= 10) throw err
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
  }
  if (msg.stop) await stop()
})

const stop = async () => {
  appServer.close()
  bareServer.close()
  await bench.close().catch(() => {})
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
