// The cost of live streams (issue 15): one server process (the real app, PGlite in memory) holds
// N open `GET /api/stream` connections (N/10 threads); this parent opens them over real sockets
// and asks the server for its memory (after a GC) before and after, then posts one comment and
// times how long until every stream of that thread has it.
//   npx tsx bench/stream.ts [N=1000]
import { fork } from 'node:child_process'
import { request, Agent } from 'node:http'

if (process.env.STREAM_BENCH_CHILD) {
  const { serve } = await import('@hono/node-server')
  const { createApp } = await import('../src/app.js')
  const { nodePasswordHasher } = await import('../src/auth/passwords.node.js')
  const { CHEAP_ARGON2 } = await import('../src/auth/passwords.js')
  const { openBenchDatabase, benchDeps } = await import('./setup.js')
  const { addSite } = await import('../src/sites/site.service.js')
  const { StreamHub } = await import('../src/stream/stream.hub.js')
  // PGlite in memory always: the streams' cost is the server's, not the database's.
  const { opened } = await openBenchDatabase('bench_stream', undefined)
  const deps = (await benchDeps(opened.db, { passwords: nodePasswordHasher(CHEAP_ARGON2) })) as any
  deps.stream = new StreamHub(deps, { maxConnections: 100_000 })
  await addSite(opened.db, { id: 'bench', origins: [], settings: { moderationMode: 'post', floodSeconds: 0 } }, new Date())
  const app = createApp(deps)
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.send!({ port: info.port }))
  process.on('message', (m: string) => {
    if (m === 'mem') {
      ;(globalThis as any).gc?.()
      const u = process.memoryUsage()
      process.send!({ mem: { rss: u.rss, heapUsed: u.heapUsed, external: u.external }, streams: deps.stream.size })
    }
    if (m === 'exit') server.close(() => process.exit(0))
  })
} else {
  const N = Number(process.argv[2] ?? 1000)
  const child = fork(new URL(import.meta.url).pathname, [], { env: { ...process.env, STREAM_BENCH_CHILD: '1' }, execArgv: ['--import', 'tsx', '--expose-gc'] })
  const next = () => new Promise<any>((res) => child.once('message', res))
  const { port } = await next()
  const ask = async () => (child.send('mem'), next())
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity })
  // Warm up: one stream, one read, so code is loaded before the baseline.
  const before = await ask()
  const got = new Map<number, string>()
  const opened: Promise<void>[] = []
  const reqs: ReturnType<typeof request>[] = []
  for (let i = 0; i < N; i++) {
    opened.push(
      new Promise((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port, path: `/api/stream?site=bench&uri=/t/${i % 10}`, agent }, (res) => {
          res.setEncoding('utf8')
          let buf = ''
          res.on('data', (d: string) => {
            buf += d
            if (buf.includes('event: ready')) resolve()
            if (!got.has(i) && buf.includes('event: comment\n')) got.set(i, 'comment')
          })
        })
        r.on('error', reject)
        r.end()
        reqs.push(r)
      }),
    )
  }
  const t0 = Date.now()
  await Promise.all(opened)
  const openMs = Date.now() - t0
  const after = await ask()
  // Fan-out: one comment on thread /t/0, watched by N/10 streams.
  const t1 = Date.now()
  await new Promise<void>((resolve) => {
    const r = request({ host: '127.0.0.1', port, path: '/api/comments', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => (res.resume(), res.on('end', resolve)))
    r.end(JSON.stringify({ site: 'bench', uri: '/t/0', body: 'Live!', name: 'Bench', email: 'bench@example.org' }))
  })
  const watchers = Math.ceil(N / 10)
  while (got.size < watchers && Date.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 5))
  const fanMs = Date.now() - t1
  const mb = (b: number) => (b / 1048576).toFixed(1)
  const per = (a: number, b: number) => ((b - a) / N / 1024).toFixed(1)
  console.log(
    JSON.stringify({
      connections: after.streams,
      openAllMs: openMs,
      rssMB: [mb(before.mem.rss), mb(after.mem.rss)],
      heapUsedMB: [mb(before.mem.heapUsed), mb(after.mem.heapUsed)],
      externalMB: [mb(before.mem.external), mb(after.mem.external)],
      perConnectionKB: {
        heapPlusExternal: per(before.mem.heapUsed + before.mem.external, after.mem.heapUsed + after.mem.external),
        rss: per(before.mem.rss, after.mem.rss),
      },
      fanOut: { watchers, received: got.size, ms: fanMs },
    }),
  )
  for (const r of reqs) r.destroy()
  child.send('exit')
  agent.destroy()
}
