// Node CPU per post, in-process (robust on a loaded machine, unlike req/s): `n` posts on one hot
// thread through app.request, `c` at a time, on a scratch PostgreSQL schema; prints the process's
// CPU time (user + system) per post, the socket writes to PostgreSQL per post (the round trips:
// in-process, PostgreSQL's are the only sockets) and the wall rate. `DATABASE_URL=… npx tsx bench/post-cpu.ts [n] [c]`.
import { Socket } from 'node:net'
import { createApp } from '../src/app.js'
import { addSite } from '../src/sites/site.service.js'
import { benchDeps, openBenchDatabase } from './setup.js'

const n = Number(process.argv[2] ?? 1000)
const c = Number(process.argv[3] ?? 10)
const bench = await openBenchDatabase('postcpu', process.env.DATABASE_URL, { max: 10 })
try {
  const db = bench.opened.db
  const app = createApp(await benchDeps(db))
  await addSite(db, { id: 'bench', origins: [], settings: { moderationMode: 'post', floodSeconds: 0, maxLinks: 0 } }, new Date())
  let i = 0
  const post = async () => {
    const k = i++
    const body = JSON.stringify({ site: 'bench', uri: '/hot', name: `Hot ${k}`, email: `hot${k}@example.org`, body: `Posting under load ${k}` })
    // A Content-Length as every HTTP client sends (without it the body-limit middleware streams
    // the body into a copy of the Request, which a post through the server never costs).
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
    const res = await app.request('/api/comments', { method: 'POST', headers, body })
    if (res.status !== 201) throw new Error(`post failed: ${res.status} ${await res.text()}`)
  }
  const run = async (count: number) => {
    const end = i + count
    await Promise.all(Array.from({ length: c }, async () => { while (i < end) await post() }))
  }
  await run(200) // warm-up
  let writes = 0
  const write = Socket.prototype.write
  Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
    writes++
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as typeof write
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await run(n)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  Socket.prototype.write = write
  console.log(`${n} posts, ${c} at a time: ${((cpu.user + cpu.system) / n).toFixed(0)} µs CPU per post (user ${(cpu.user / n).toFixed(0)}), ${(writes / n).toFixed(2)} socket writes per post, ${(n / (wall / 1000)).toFixed(0)} posts/s wall`)
} finally {
  await bench.close()
}
