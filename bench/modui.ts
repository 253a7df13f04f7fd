// The moderator UI's bench: server time to render /mod/queue with 50 cards out of 10,000 pending
// comments. Self-contained (own database: PGlite in memory, or a fresh schema in DATABASE_URL).
// Run alone with `npx tsx bench/modui.ts`; bench/run.ts may import benchQueuePage().
import { sql } from 'kysely'
import { createApp } from '../src/app.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../src/auth/passwords.js'
import { createSession } from '../src/auth/session.js'
import { createUser } from '../src/auth/user.service.js'
import { addSite } from '../src/sites/site.service.js'
import { seedPendingComments } from '../test/helpers/seed.js'
import { benchDeps, openBenchDatabase } from './setup.js'

export const QUEUE_PAGE_TARGET_MS = 200
const PENDING = 10_000
const RUNS = 20

/** Median server time (ms) of GET /mod/queue (50 cards) against 10,000 pending comments. */
export async function benchQueuePage(): Promise<{ ms: number; runs: number[]; pending: number; cards: number }> {
  const bench = await openBenchDatabase('bench_modui', process.env.DATABASE_URL)
  const { opened } = bench
  try {
    const deps = await benchDeps(opened.db, { passwords: nodePasswordHasher(CHEAP_ARGON2) })
    await addSite(opened.db, { id: 'bench', origins: ['https://bench.example'] }, new Date())
    await seedPendingComments(opened.db, 'bench', PENDING)
    await sql`analyze`.execute(opened.db)
    const user = await createUser(opened.db, deps.passwords, { email: 'bench@newsroom.example', password: 'bench-password-1', role: 'admin', sites: null }, new Date())
    const { cookie } = await createSession(deps, user.id)
    const app = createApp(deps)
    const headers = { cookie: cookie.split(';')[0]! }
    const render = async () => {
      const t0 = performance.now()
      const res = await app.request('/mod/queue?site=bench&queue=pending', { headers })
      const html = await res.text()
      const ms = performance.now() - t0
      if (res.status !== 200) throw new Error(`queue page answered ${res.status}`)
      return { ms, cards: html.split('<li class="card"').length - 1 }
    }
    for (let i = 0; i < 3; i++) await render() // warm-up: JIT and the database's caches
    const runs: number[] = []
    let cards = 0
    for (let i = 0; i < RUNS; i++) {
      const r = await render()
      runs.push(r.ms)
      cards = r.cards
    }
    const sorted = [...runs].sort((a, b) => a - b)
    const ms = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2
    return { ms, runs, pending: PENDING, cards }
  } finally {
    await bench.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchQueuePage()
  const ok = r.ms < QUEUE_PAGE_TARGET_MS
  console.log(
    `moderator queue page: ${r.cards} cards of ${r.pending} pending — median ${r.ms.toFixed(1)} ms server time over ${r.runs.length} requests (target < ${QUEUE_PAGE_TARGET_MS} ms) ${ok ? '✓' : '✗'}`,
  )
}
