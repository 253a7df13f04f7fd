// The moderator queue, taken apart (issue 13, docs/perf.md "Round 3: the moderator queue"):
// `npx tsx bench/queue.ts [seconds]` seeds 10,000 pending comments as bench/server.ts does (on
// DATABASE_URL in a scratch schema, else in-memory PGlite), then for GET /mod/queue and
// GET /api/mod/queue prints the statements one request sends with each one's time, the split of
// the request's time between the database and the rest, EXPLAIN (ANALYZE, BUFFERS) of each
// statement, and in-process throughput at 20 concurrent requests (no HTTP: the app's own cost).
import { CompiledQuery, sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely'
import { createApp } from '../src/app.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../src/auth/passwords.js'
import type { Database } from '../src/db/index.js'
import { addSite } from '../src/sites/site.service.js'
import { seedModeratorSession, seedPendingComments } from '../test/helpers/seed.js'
import { benchDeps, openBenchDatabase } from './setup.js'

const SECONDS = Number(process.argv[2] ?? 5)
const EXPLAIN = !process.env.NO_EXPLAIN

class Timer implements KyselyPlugin {
  on = false
  log: { sql: CompiledQuery; ms: number }[] = []
  private started = new Map<unknown, { sql: CompiledQuery; t0: number }>()
  constructor(private db: () => Database) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.on) this.started.set(args.queryId, { sql: this.db().getExecutor().compileQuery(args.node, args.queryId), t0: performance.now() })
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const s = this.started.get(args.queryId)
    if (s) {
      this.started.delete(args.queryId)
      this.log.push({ sql: s.sql, ms: performance.now() - s.t0 })
    }
    return args.result
  }
}

const bench = await openBenchDatabase('bench_queue', process.env.DATABASE_URL)
try {
  const base = await benchDeps(bench.opened.db, { passwords: nodePasswordHasher(CHEAP_ARGON2) })
  await addSite(base.db, { id: 'queue', origins: [] }, new Date())
  await seedPendingComments(base.db, 'queue', 10_000)
  await sql`analyze`.execute(base.db)
  const cookie = await seedModeratorSession(base)
  const timer = new Timer(() => base.db)
  const deps = { ...base, db: base.db.withPlugin(timer) }
  const app = createApp(deps)
  const headers = { cookie }
  console.log(`database: ${bench.opened.kind}`)

  for (const path of ['/mod/queue?site=queue&queue=pending', '/api/mod/queue?site=queue&queue=pending&limit=50']) {
    const get = async () => {
      const res = await app.request(path, { headers })
      const body = await res.text()
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 300)}`)
      return body.length
    }
    for (let i = 0; i < 20; i++) await get()
    // Sequential: time per request, and per statement.
    const N = 30
    const totals: number[] = []
    const dbMs: number[] = []
    const per = new Map<string, number[]>()
    let bytes = 0
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < N; i++) {
      timer.log = []
      timer.on = true
      const t0 = performance.now()
      bytes = await get()
      totals.push(performance.now() - t0)
      timer.on = false
      dbMs.push(timer.log.reduce((a, s) => a + s.ms, 0))
      timer.log.forEach((s, j) => {
        const k = `${j}: ${s.sql.sql.replace(/\s+/g, ' ').slice(0, 110)}`
        per.set(k, [...(per.get(k) ?? []), s.ms])
      })
    }
    const cpu = process.cpuUsage(cpu0)
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    console.log(`\nGET ${path} — ${bytes} bytes, ${per.size} statements`)
    console.log(`  median ${med(totals).toFixed(2)} ms a request, statements' own time (may overlap) ${med(dbMs).toFixed(2)} ms, CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms a request`)
    for (const [k, ms] of per) console.log(`  ${med(ms).toFixed(2).padStart(7)} ms  ${k}`)

    if (EXPLAIN) {
      timer.log = []
      timer.on = true
      await get()
      timer.on = false
      for (const s of timer.log) {
        const r = await base.db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${s.sql.sql}`, [...s.sql.parameters]))
        console.log(`\n--- ${s.sql.sql.replace(/\s+/g, ' ').slice(0, 140)}`)
        console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'))
      }
    }

    // Throughput: 20 requests in flight, 5 rounds of SECONDS/5 (QUEUE_PROF=<dir>: with a V8 CPU
    // profile). The best round counts: on a shared machine the others are the neighbours' noise.
    const prof = process.env.QUEUE_PROF ? new (await import('node:inspector/promises')).Session() : null
    prof?.connect()
    await prof?.post('Profiler.enable')
    await prof?.post('Profiler.start')
    let bestRps = 0
    let bestCpu = Infinity
    for (let round = 0; round < 5; round++) {
      let done = 0
      const until = performance.now() + (SECONDS * 1000) / 5
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      await Promise.all(Array.from({ length: 20 }, async () => {
        while (performance.now() < until) {
          await get()
          done++
        }
      }))
      const c = process.cpuUsage(c0)
      bestRps = Math.max(bestRps, done / ((performance.now() - t0) / 1000))
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000 / done)
    }
    if (prof) {
      const r = await prof.post('Profiler.stop')
      const file = `${process.env.QUEUE_PROF}/${bench.opened.kind}-${path.startsWith('/api') ? 'api' : 'page'}.cpuprofile`
      ;(await import('node:fs')).writeFileSync(file, JSON.stringify(r.profile))
      prof.disconnect()
    }
    console.log(`\n  20 in flight, best of 5 rounds: ${bestRps.toFixed(0)} req/s, CPU ${bestCpu.toFixed(2)} ms a request (in-process: no HTTP)`)
  }
} finally {
  await bench.close()
}
