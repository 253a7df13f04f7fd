// npm run bench: each scenario's requests/s as a ratio to a bare Hono route measured in the same run.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20)

interface Scenario {
  name: string
  target: 'app' | 'bare'
  path: string
  method?: 'GET' | 'POST'
  body?: string
  target_ratio?: number
  moderator?: boolean
}

const counts = Array.from({ length: 50 }, (_, i) => `uri=/article-${i}`).join('&')
const scenarios: Scenario[] = [
  { name: 'bare Hono route (baseline)', target: 'bare', path: '/bare' },
  { name: 'read a thread of 200 comments', target: 'app', path: '/api/comments?site=bench&uri=/big-thread&limit=200', target_ratio: 0.25 },
  { name: 'counts for 50 uris', target: 'app', path: `/api/counts?site=bench&${counts}` },
  { name: 'moderation queue: 50 of 10,000 pending', target: 'app', path: '/api/mod/queue?site=queue&queue=pending&limit=50', moderator: true },
  {
    name: 'post a comment',
    target: 'app',
    path: '/api/comments',
    method: 'POST',
    body: JSON.stringify({ site: 'bench', uri: '/posting', name: 'Bench [<id>]', email: 'bench-[<id>]@example.org', body: 'Posting under load [<id>]' }),
  },
]

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env })
const ready = await new Promise<{ app: number; bare: number; database: string; cookie: string }>((resolve, reject) => {
  const rl = createInterface({ input: child.stdout! })
  rl.on('line', (line) => {
    try {
      const msg = JSON.parse(line)
      if (msg.ready) resolve(msg)
    } catch {
      process.stdout.write(line + '\n')
    }
  })
  child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
})

console.log(`Parley bench — database: ${ready.database}, ${SECONDS}s per scenario, ${CONNECTIONS} connections, Node ${process.version}`)
const results: { name: string; rps: number; p99: number; errors: number; ratio?: number; target?: number }[] = []
let baseline = 0
for (const s of scenarios) {
  const r = await autocannon({
    url: `http://127.0.0.1:${s.target === 'app' ? ready.app : ready.bare}${s.path}`,
    method: s.method ?? 'GET',
    connections: CONNECTIONS,
    duration: SECONDS,
    // As a browser asks: gzip accepted.
    headers: {
      'accept-encoding': 'gzip',
      ...(s.body ? { 'content-type': 'application/json' } : {}),
      ...(s.moderator ? { cookie: ready.cookie } : {}),
    },
    ...(s.body ? { body: s.body, idReplacement: true } : {}),
  })
  const rps = r.requests.average
  if (s.target === 'bare') baseline = rps
  const errors = r.non2xx + r.errors + r.timeouts
  results.push({ name: s.name, rps, p99: r.latency.p99, errors, ratio: baseline ? rps / baseline : undefined, target: s.target_ratio })
}
child.kill('SIGTERM')

// Email: one worker delivering the outbox to a local SMTP server (target ≥ 200/s).
const { benchMail } = await import('./mail.js')
const mail = await benchMail({ count: Number(process.env.BENCH_MAIL_COUNT ?? 1000) })
// The moderator desk: /mod/queue with 50 cards against 10,000 pending (target < 200 ms server time).
const { benchQueuePage } = await import('./modui.js')
const queuePage = await benchQueuePage()
// Imports: a generated 100,000-comment WordPress export (~80 MB), in a child process (targets: < 60 s on PostgreSQL, RSS < 250 MB).
const { benchImport, IMPORT_TARGET_SECONDS, IMPORT_TARGET_RSS_MB } = await import('./import.js')
const wxr = await benchImport()

const pad = (s: string, n: number) => s.padEnd(n)
console.log('\n' + pad('scenario', 42) + pad('req/s', 10) + pad('ratio', 9) + pad('p99 ms', 9) + 'non-2xx')
for (const r of results) {
  const ratio = r.ratio === undefined ? '' : r.ratio.toFixed(2) + (r.target ? (r.ratio >= r.target ? ' ✓' : ' ✗') : '')
  console.log(pad(r.name, 42) + pad(r.rps.toFixed(0), 10) + pad(ratio, 9) + pad(String(r.p99), 9) + r.errors)
}
console.log(`\nemail delivery: ${mail.perSecond.toFixed(0)} emails/s by one worker to a local SMTP server (${mail.count} in ${mail.ms.toFixed(0)} ms, ${mail.database}; target ≥ 200/s ${mail.perSecond >= 200 ? '✓' : '✗'})`)
console.log(`moderator queue page: ${queuePage.cards} cards of ${queuePage.pending} pending, median ${queuePage.ms.toFixed(1)} ms server time (target < 200 ms ${queuePage.ms < 200 ? '✓' : '✗'})`)
console.log(
  `WordPress import: ${wxr.comments.toLocaleString('en-US')} comments (${(wxr.bytes / 1048576).toFixed(0)} MB) in ${wxr.seconds.toFixed(1)} s = ${wxr.perSecond.toFixed(0)} comments/s, peak RSS ${wxr.peakRssMb.toFixed(0)} MB, ${wxr.cpuSeconds.toFixed(1)} s CPU (${wxr.database}; targets < ${IMPORT_TARGET_SECONDS} s ${wxr.seconds < IMPORT_TARGET_SECONDS ? '✓' : '✗'}, < ${IMPORT_TARGET_RSS_MB} MB ${wxr.peakRssMb < IMPORT_TARGET_RSS_MB ? '✓' : '✗'})`,
)
const failed = results.filter((r) => r.target && r.ratio !== undefined && r.ratio < r.target)
if (failed.length) console.log(`\nBelow target: ${failed.map((f) => `${f.name} (${f.ratio!.toFixed(2)} < ${f.target})`).join(', ')}`)
