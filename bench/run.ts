// npm run bench [-- --quick]: every line of issue 13 (and the mail/desk/import lines of earlier
// issues) in ONE table, each HTTP figure as a ratio to a bare node:http route measured in the same
// run, with its target beside it. PostgreSQL when DATABASE_URL is set (scratch schemas, dropped
// after); the PGlite lines always run on PGlite. --quick (or BENCH_QUICK=1): 3 s per scenario,
// 100,000 seeded comments instead of 1,000,000, no import.
import autocannon from 'autocannon'
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../src/db/node.js'
import { seedBigSite } from './seed-big.js'
import { cliNodeFlags } from './import.js'
import { buildNode } from '../scripts/build-server.mjs'

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 5))
const CONNECTIONS = 50
const BIG = QUICK ? { comments: 100_000, threads: 2_000 } : { comments: 1_000_000, threads: 20_000 }
const PG = process.env.DATABASE_URL
// BENCH_ONLY=small: the small-database lines only (with BENCH_CPU_PROF, a profile of just those).
const ONLY_SMALL = process.env.BENCH_ONLY === 'small'
// BENCH_ONLY=queue: the moderator queue's lines only (PostgreSQL or PGlite, then PGlite), for A/B runs.
const ONLY_QUEUE = process.env.BENCH_ONLY === 'queue'
const started = performance.now()

interface Ready { app: number; bare: number; database: string; schema: string | null; cookie: string }
interface Server { child: ChildProcess; ready: Ready }

function ask<T>(child: ChildProcess, msg: object, key: string): Promise<T> {
  return new Promise<T>((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on)
        resolve(m[key] as T)
      }
    }
    child.on('message', on)
    child.send(msg)
  })
}

// The bench server runs as `npm start` runs the server: bundled by the same esbuild options
// (scripts/build-server.mjs) and run by plain node with the Node flags of package.json's start
// script, so its peak RSS is what users run. BENCH_NODE_FLAGS="…" replaces those flags (A/B).
const serverBundle = await buildNode(fileURLToPath(new URL('./server.ts', import.meta.url)), fileURLToPath(new URL('../dist/bench/server.js', import.meta.url)))
const serverFlags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean) : cliNodeFlags('start')

async function startServer(env: Record<string, string | undefined>): Promise<Server> {
  const child = fork(serverBundle, [], { execArgv: serverFlags, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.on('message', (m: Ready & { ready?: boolean }) => m.ready && resolve(m))
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })
  return { child, ready }
}

async function stopServer(s: Server): Promise<number> {
  const rss = await ask<number>(s.child, { rss: true }, 'rss')
  await new Promise<void>((r) => {
    s.child.once('exit', () => r())
    s.child.send({ stop: true })
  })
  return rss
}

interface Load { rps: number; p99: number; bad: number; fivexx: number; ids: string[] }

/** BENCH_CPU_TRACE=1: the server's CPU time per request of each scenario on stderr (a figure the machine's load moves less than req/s). */
const CPU_TRACE = !!process.env.BENCH_CPU_TRACE
/** BENCH_CPU_PROF=<dir>: each scenario's V8 CPU profile of the server, `<dir>/<name>.cpuprofile`. */
const PROFILE_DIR = process.env.BENCH_CPU_PROF
let profiled: ChildProcess | null = null

/** autocannon for SECONDS; `body(n)` makes the n-th request's JSON body (POST). */
async function load(port: number, path: string, o: { connections?: number; cookie?: string; body?: (n: number) => object; profile?: string } = {}): Promise<Load> {
  if (PROFILE_DIR && o.profile && profiled) await ask(profiled, { profile: 'start' }, 'profiling')
  const cpu0 = CPU_TRACE && profiled ? await ask<number>(profiled, { cpu: true }, 'cpu') : 0
  try {
    const l = await loadOnce(port, path, o)
    if (CPU_TRACE && profiled) console.error(`cpu ${path.slice(0, 40)}: ${((await ask<number>(profiled, { cpu: true }, 'cpu')) - cpu0) / (l.rps * SECONDS) | 0} µs of server CPU per request`)
    return l
  } finally {
    if (PROFILE_DIR && o.profile && profiled) await ask(profiled, { profile: `${PROFILE_DIR}/${o.profile}.cpuprofile` }, 'profiled')
  }
}

async function loadOnce(port: number, path: string, o: { connections?: number; cookie?: string; body?: (n: number) => object } = {}): Promise<Load> {
  const ids: string[] = []
  let n = 0
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: o.connections ?? CONNECTIONS,
    duration: SECONDS,
    // As a browser asks: gzip accepted.
    headers: { 'accept-encoding': 'gzip', ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}) },
    ...(o.body
      ? {
          requests: [
            {
              method: 'POST' as const,
              setupRequest: (req: any) => ({ ...req, body: JSON.stringify(o.body!(n++)) }),
              onResponse: (status: number, body: string) => {
                if (status === 201 || status === 202) ids.push((JSON.parse(body) as { comment: { id: string } }).comment.id)
              },
            },
          ],
        }
      : {}),
  })
  const stats = (r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}
  const fivexx = Object.entries(stats).reduce((a, [code, s]) => a + (Number(code) >= 500 ? s.count : 0), 0) + r.errors + r.timeouts
  return { rps: r.requests.average, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts, fivexx, ids }
}

/** Median latency of `runs` sequential requests on one keep-alive connection (after 3 warm-ups). */
async function serverTime(url: string, cookie: string, runs = 20): Promise<number> {
  const one = async () => {
    const t0 = performance.now()
    const res = await fetch(url, { headers: { cookie } })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    return performance.now() - t0
  }
  for (let i = 0; i < 3; i++) await one()
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await one())
  times.sort((a, b) => a - b)
  return (times[Math.floor((runs - 1) / 2)]! + times[Math.ceil((runs - 1) / 2)]!) / 2
}

interface Row { line: string; value: string; ratio?: number; target: string; ok?: boolean; p99?: number; fivexx?: number }
const rows: Row[] = []
const add = (r: Row) => rows.push(r)
const counts = (uris: string[]) => `/api/counts?site=bench&${uris.map((u) => `uri=${encodeURIComponent(u)}`).join('&')}`
const postBody = (tag: string, uri: (n: number) => string) => (n: number) => ({ site: 'bench', uri: uri(n), name: `Bench ${tag}${n}`, email: `bench-${tag}${n}@example.org`, body: `Posting under load ${tag}${n}` })

// --- PostgreSQL (or PGlite without DATABASE_URL): the small database ---
const main = await startServer(ONLY_QUEUE ? { BENCH_ROLE: 'queue' } : {})
profiled = main.child
const { app, bare, database, cookie } = main.ready
console.log(`Parley bench${QUICK ? ' (--quick)' : ''} — ${database}, ${SECONDS} s per scenario, ${CONNECTIONS} connections, Node ${process.version}, server: node ${[...serverFlags, 'dist/bench/server.js'].join(' ')}`)
const inDb = async (ids: string[]) => {
  if (ids.length === 0) return 0
  const r = await ask<{ n: string }[]>(main.child, { query: `select count(*) as n from comments where id in (${ids.map((i) => `'${i.replace(/'/g, '')}'`).join(',')})` }, 'rows')
  return Number(r[0]!.n)
}
const bareLoad = await load(bare, '/bare')
const baseline = bareLoad.rps
add({ line: 'bare node:http route (baseline)', value: `${baseline.toFixed(0)} req/s`, ratio: 1, target: '', p99: bareLoad.p99, fivexx: bareLoad.fivexx })
const ratioRow = (line: string, l: Load, target: number) => {
  const ratio = l.rps / baseline
  add({ line, value: `${l.rps.toFixed(0)} req/s`, ratio, target: `≥ ${target}×`, ok: ratio >= target && l.fivexx === 0, p99: l.p99, fivexx: l.fivexx })
}
const postRow = async (line: string, l: Load, target: number) => {
  const stored = await inDb(l.ids)
  ratioRow(`${line} (${stored}/${l.ids.length} answers in db)`, l, target)
  if (stored !== l.ids.length) rows[rows.length - 1]!.ok = false
}

const small: Record<string, Load> = {}
if (!ONLY_QUEUE) {
small.post = await load(app, '/api/comments', { body: postBody('h', () => '/hot'), profile: 'post-hot' })
await postRow(`post, one hot thread, ${CONNECTIONS} conns`, small.post, 0.1)
small.spread = await load(app, '/api/comments', { body: postBody('s', (n) => `/spread-${n % 50}`), profile: 'post-spread' })
await postRow('post, spread over 50 threads', small.spread, 0.1)
small.read = await load(app, '/api/comments?site=bench&uri=/big-thread&limit=200', { profile: 'read' })
ratioRow('read a thread of 200 comments', small.read, 0.5)
// The ceiling for that line: the bare route writing the read's own gzipped bytes and headers.
const bareRead = await load(bare, '/bare-read')
add({ line: '  bare route writing the same bytes (ceiling)', value: `${bareRead.rps.toFixed(0)} req/s`, ratio: bareRead.rps / baseline, target: '', p99: bareRead.p99, fivexx: bareRead.fivexx })
const smallUris = Array.from({ length: 50 }, (_, i) => `/article-${i}`)
small.counts = await load(app, counts(smallUris), { profile: 'counts' })
ratioRow('counts for 50 uris', small.counts, 0.2)
}
const queueApi = await load(app, '/api/mod/queue?site=queue&queue=pending&limit=50', { cookie, profile: 'queue-api' })
ratioRow(`mod queue API + counts, 50 of 10,000 pending (${database})`, queueApi, 0.0085)
const pageCpu0 = CPU_TRACE ? await ask<number>(main.child, { cpu: true }, 'cpu') : 0
const smallQueueMs = await serverTime(`http://127.0.0.1:${app}/mod/queue?site=queue&queue=pending`, cookie)
// serverTime sends 23 requests (3 warm-ups): the page's own CPU, steadier than its latency here.
if (CPU_TRACE) console.error(`cpu /mod/queue page, one at a time: ${((await ask<number>(main.child, { cpu: true }, 'cpu')) - pageCpu0) / 23 | 0} µs of server CPU per request`)
add({ line: `/mod/queue page, 50 of 10,000 pending (${database})`, value: `${smallQueueMs.toFixed(1)} ms`, target: '< 20 ms', ok: smallQueueMs < 20 })

// --- The same site with 1,000,000 more comments in 20,000 threads (PostgreSQL only) ---
if (PG && main.ready.schema && !ONLY_SMALL && !ONLY_QUEUE) {
  const seeder = await openDatabase({ databaseUrl: PG, searchPath: main.ready.schema, max: 1, pool: { queryTimeoutMs: 900_000 } })
  const seeded = await seedBigSite(seeder.db, { siteId: 'bench', ...BIG })
  await seeder.close()
  const label = `${(BIG.comments / 1e6).toLocaleString('en-US')}M comments`
  console.log(`seeded ${BIG.comments.toLocaleString('en-US')} comments in ${BIG.threads.toLocaleString('en-US')} threads in ${(seeded.ms / 1000).toFixed(1)} s`)
  const flat = (line: string, l: Load, s: Load) => {
    const ratio = l.rps / s.rps
    add({ line: `${line}, ${label}`, value: `${l.rps.toFixed(0)} req/s`, ratio: l.rps / baseline, target: `≥ 0.8× small (${ratio.toFixed(2)})`, ok: ratio >= 0.8 && l.fivexx === 0, p99: l.p99, fivexx: l.fivexx })
  }
  const bigPost = await load(app, '/api/comments', { body: postBody('H', () => '/hot'), profile: 'post-hot-big' })
  const stored = await inDb(bigPost.ids)
  flat(`post, one hot thread (${stored}/${bigPost.ids.length} in db)`, bigPost, small.post!)
  if (stored !== bigPost.ids.length) rows[rows.length - 1]!.ok = false
  flat('read a thread of 200 comments', await load(app, '/api/comments?site=bench&uri=/big-thread&limit=200'), small.read!)
  flat('counts for 50 uris', await load(app, counts(seeded.uris)), small.counts!)
  const bigQueueMs = await serverTime(`http://127.0.0.1:${app}/mod/queue?site=bench&queue=pending`, cookie)
  add({ line: `/mod/queue page, 50 of ${(BIG.comments / 10).toLocaleString('en-US')} pending, ${label}`, value: `${bigQueueMs.toFixed(1)} ms`, target: '< 20 ms', ok: bigQueueMs < 20 })
}
const mainRss = await stopServer(main)

// --- Embedded PGlite: the queue page and per-status counts, 20 connections, 10,000 pending ---
if (ONLY_SMALL) {
  add({ line: `peak RSS of the server (${database})`, value: `${(mainRss / 1048576).toFixed(0)} MB`, target: '< 150 MB', ok: mainRss / 1048576 < 150 })
  report()
}
const lite = await startServer({ BENCH_DB: 'pglite', BENCH_ROLE: 'queue' })
profiled = lite.child
ratioRow('PGlite: mod queue API + counts, 20 conns', await load(lite.ready.app, '/api/mod/queue?site=queue&queue=pending&limit=50', { cookie: lite.ready.cookie, connections: 20, profile: 'pglite-queue' }), 0.0085)
ratioRow('PGlite: /mod/queue page, 20 conns', await load(lite.ready.app, '/mod/queue?site=queue&queue=pending', { cookie: lite.ready.cookie, connections: 20, profile: 'pglite-page' }), 0.0085)
const liteRss = await stopServer(lite)
if (ONLY_QUEUE) report()
const mb = (b: number) => b / 1048576
add({ line: `peak RSS of the server (${database})`, value: `${mb(mainRss).toFixed(0)} MB`, target: '< 150 MB', ok: mb(mainRss) < 150 })
// The target is the server's on PostgreSQL; embedded PGlite's WASM heap alone (PostgreSQL's code,
// its buffer pool, and here an in-memory database made by initdb) is several times that (docs/perf.md).
add({ line: 'peak RSS of the PGlite queue server (in-memory database)', value: `${mb(liteRss).toFixed(0)} MB`, target: 'shown (WASM heap)' })

// --- Two servers on one PostgreSQL database ---
if (PG) {
  const { benchTwoServers } = await import('./two-servers.js')
  const two = await benchTwoServers(PG)
  add({ line: 'two servers: read through B what A took', value: two.crossReadMs === null ? 'never' : `${two.crossReadMs.toFixed(0)} ms`, target: '< 1000 ms', ok: two.crossReadMs !== null && two.crossReadMs < 1000 })
  add({ line: 'two servers: flood control / sign-in lockout', value: `${two.floodHeld ? 'held' : 'NOT held'} / ${two.lockoutHeld ? 'held' : 'NOT held'}`, target: 'both held', ok: two.floodHeld && two.lockoutHeld })
  add({ line: 'two servers: each email sent once', value: `${two.emails.delivered} sent, ${two.emails.distinct} distinct of ${two.emails.expected}`, target: 'each once', ok: two.emails.delivered === two.emails.expected && two.emails.distinct === two.emails.expected })
}

// --- Earlier issues' lines: mail delivery, the desk in-process, the WordPress import ---
const { benchMail } = await import('./mail.js')
const mail = await benchMail({ count: Number(process.env.BENCH_MAIL_COUNT ?? 1000) })
add({ line: `email delivery, one worker (${mail.database})`, value: `${mail.perSecond.toFixed(0)} emails/s`, target: '≥ 200/s', ok: mail.perSecond >= 200 })
const { benchQueuePage } = await import('./modui.js')
const queuePage = await benchQueuePage()
add({ line: `/mod/queue in-process, ${queuePage.cards} cards of ${queuePage.pending.toLocaleString('en-US')}`, value: `${queuePage.ms.toFixed(1)} ms`, target: '< 200 ms', ok: queuePage.ms < 200 })
if (!QUICK) {
  const { benchImport, IMPORT_TARGET_SECONDS, IMPORT_TARGET_RSS_MB } = await import('./import.js')
  const wxr = await benchImport()
  add({ line: `WordPress import, ${wxr.comments.toLocaleString('en-US')} comments (${wxr.database})`, value: `${wxr.seconds.toFixed(1)} s, ${wxr.peakRssMb.toFixed(0)} MB`, target: `< ${IMPORT_TARGET_SECONDS} s, < ${IMPORT_TARGET_RSS_MB} MB`, ok: wxr.seconds < IMPORT_TARGET_SECONDS && wxr.peakRssMb < IMPORT_TARGET_RSS_MB })
}

report()

function report(): never {
  const pad = (s: string, n: number) => s.padEnd(n)
  const w = Math.max(...rows.map((r) => r.line.length)) + 2
  console.log('\n' + pad('line', w) + pad('figure', 22) + pad('× bare', 9) + pad('target', 26) + pad('p99 ms', 8) + '5xx')
  for (const r of rows) {
    const mark = r.ok === undefined ? '' : r.ok ? ' ✓' : ' ✗'
    console.log(pad(r.line, w) + pad(r.value, 22) + pad(r.ratio === undefined ? '' : r.ratio.toFixed(r.ratio < 0.1 ? 4 : 2), 9) + pad(r.target + mark, 26) + pad(r.p99 === undefined ? '' : String(r.p99), 8) + (r.fivexx ?? ''))
}
const failed = rows.filter((r) => r.ok === false)
console.log(`\n${failed.length ? `Below target: ${failed.map((f) => f.line).join('; ')}` : 'Every line on target.'} (${((performance.now() - started) / 1000).toFixed(0)} s)`)
process.exit(0)
}
