// What PostgreSQL alone allows for our post: captures the statements of one published post on a
// hot thread (the app's own SQL, through Kysely's log), writes them as a pgbench script (each
// run a new comment id, e-mail and body; the same thread), and runs pgbench with it at 10
// clients (the app's pool size) beside a trivial one-row insert transaction for scale.
// PostgreSQL only: `DATABASE_URL=… npx tsx bench/pgbench-post.ts [seconds]`. Scratch schema, dropped after.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { sql, type CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely'
import { createApp } from '../src/app.js'
import { addSite } from '../src/sites/site.service.js'
import { benchDeps, openBenchDatabase } from './setup.js'

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL is needed')
const seconds = Number(process.argv[2] ?? 10)
const bench = await openBenchDatabase('pgbench', url, { max: 2 })
const schema = bench.schema!
/** Records the statements the app sends while `capturing` (BEGIN/COMMIT are the driver's, not seen). */
let capture: CompiledQuery[] | null = null
class Capture implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (capture) capture.push(bench.opened.db.getExecutor().compileQuery(args.node, args.queryId))
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}
const db = bench.opened.db.withPlugin(new Capture())
try {
  const app = createApp(await benchDeps(db))
  await addSite(db, { id: 'bench', origins: [], settings: { moderationMode: 'post', floodSeconds: 0, maxLinks: 0 } }, new Date())
  const post = async (n: number) => {
    const res = await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'bench', uri: '/hot', name: `Hot ${n}`, email: `hot${n}@example.org`, body: `Posting under load ${n}` }) })
    if (res.status !== 201) throw new Error(`post failed: ${res.status}`)
    return ((await res.json()) as { comment: { id: string } }).comment.id
  }
  for (let i = 0; i < 200; i++) await post(i)
  capture = []
  const id = await post(999_999)
  const qs = capture.slice(1) // the site lookup is outside the transaction
  capture = null
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return 'null'
    if (v instanceof Date) return `'${v.toISOString()}'`
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
    const s = typeof v === 'string' ? v : JSON.stringify(v)
    // Per run: a new comment id, and a new e-mail/body, so no unique index or duplicate check repeats.
    if (s === id) return `('pg' || :client_id || 'x' || :n)`
    // The duplicate check's advisory lock is per body: a new body, a new key.
    if (s.startsWith('dup:')) return `('dup:' || :client_id || 'x' || :n)`
    return `'${s.replace(/'/g, "''").replace(/999999/g, "' || :n || '")}'`
  }
  const inline = (q: CompiledQuery) => q.sql.replace(/\$(\d+)/g, (_, i: string) => literal(q.parameters[Number(i) - 1])).replace(/\s+/g, ' ').trim()
  const script = ['\\set n random(1, 1000000000)', 'begin;', ...qs.map((q) => `${inline(q)};`), 'commit;'].join('\n')
  writeFileSync('/tmp/pgbench-post.sql', script)
  // Each statement alone (in its own transaction), to see which one costs.
  qs.forEach((q, i) => writeFileSync(`/tmp/pgbench-post-${i + 1}.sql`, ['\\set n random(1, 1000000000)', 'begin;', `${inline(q)};`, 'commit;'].join('\n')))
  writeFileSync('/tmp/pgbench-trivial.sql', ['begin;', `insert into ${schema}.pgbench_trivial (n) values (1);`, 'commit;'].join('\n'))
  await sql`create table pgbench_trivial (id bigserial primary key, n int)`.execute(db)
  console.log(`The post transaction: ${qs.length} statements inside BEGIN/COMMIT (script in /tmp/pgbench-post.sql)`)
  const u = new URL(url)
  const run = (file: string) => {
    const out = execFileSync('pgbench', ['-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres', '-n', '-c', '10', '-j', '2', '-T', String(seconds), '-f', file, u.pathname.slice(1)], {
      env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` },
      encoding: 'utf8',
    })
    const tps = /tps = ([\d.]+)/.exec(out)?.[1]
    const lat = /latency average = ([\d.]+ ms)/.exec(out)?.[1]
    const failed = /number of failed transactions: (\d+)/.exec(out)?.[1]
    return `${tps} tps, latency ${lat}, failed ${failed ?? 0}`
  }
  console.log(`pgbench, 10 clients, ${seconds} s, our post transaction (one hot thread): ${run('/tmp/pgbench-post.sql')}`)
  for (let i = 1; i <= qs.length; i++) console.log(`  statement ${i} alone (${qs[i - 1]!.sql.replace(/\s+/g, ' ').trim().slice(0, 40)}…): ${run(`/tmp/pgbench-post-${i}.sql`)}`)
  console.log(`pgbench, 10 clients, ${seconds} s, a one-row insert transaction:         ${run('/tmp/pgbench-trivial.sql')}`)
} finally {
  await bench.close()
}
