// The import bench: a generated 100,000-comment WordPress export (about 80 MB) imported into a
// fresh site, in a child process of its own so its peak RSS is the import's alone.
// Targets (issue 11): under 60 s on PostgreSQL, peak RSS under 250 MB.
// Run alone with `npx tsx bench/import.ts`; bench/run.ts imports benchImport().
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const IMPORT_TARGET_SECONDS = 60
export const IMPORT_TARGET_RSS_MB = 250

const COMMENTS = Number(process.env.BENCH_IMPORT_COMMENTS ?? 100_000)
const PER_POST = 50

const WORDS = 'the council vote on the new budget was closer than anyone expected and residents who packed the hall said they had not been asked about the cuts to libraries parks and buses'.split(' ')
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
const pad = (n: number) => String(n).padStart(2, '0')
const wpDate = (ms: number) => {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

function text(i: number, words: number): string {
  let s = ''
  for (let w = 0; w < words; w++) s += (w ? ' ' : '') + WORDS[(i * 7 + w * 13) % WORDS.length]
  return s
}

/** Writes a WXR file of `comments` comments (50 per post, a third of them replies); streams to disk. */
export async function generateWxr(path: string, comments = COMMENTS): Promise<number> {
  const out = createWriteStream(path)
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain')
  }
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench News</title><link>https://bench.example</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>
`)
  const start = Date.UTC(2012, 0, 1)
  let id = 0
  for (let p = 0; id < comments; p++) {
    const postId = p + 1
    const posted = start + p * 3 * 3600_000
    let item = `<item><title>${cdata(`Council story number ${postId} &amp; its fallout`)}</title><link>https://bench.example/${2012 + Math.floor(p / 700)}/story-${postId}/</link>
<pubDate>${new Date(posted).toUTCString()}</pubDate><dc:creator>${cdata('ashley')}</dc:creator><guid isPermaLink="false">https://bench.example/?p=${postId}</guid>
<content:encoded>${cdata(`<p>${text(p, 120)}</p>`)}</content:encoded><wp:post_id>${postId}</wp:post_id><wp:post_date>${cdata(wpDate(posted))}</wp:post_date><wp:post_date_gmt>${cdata(wpDate(posted))}</wp:post_date_gmt>
<wp:comment_status>${cdata(p % 10 === 0 ? 'closed' : 'open')}</wp:comment_status><wp:post_name>${cdata(`story-${postId}`)}</wp:post_name><wp:status>${cdata('publish')}</wp:status><wp:post_type>${cdata('post')}</wp:post_type>
`
    const first = id + 1
    for (let k = 0; k < PER_POST && id < comments; k++) {
      id++
      const at = posted + (k + 1) * 600_000
      const parent = k > 0 && id % 3 === 0 ? id - 1 - (id % 5 === 0 ? 1 : 0) : 0
      const approved = id % 50 === 0 ? 'spam' : id % 33 === 0 ? '0' : id % 71 === 0 ? 'trash' : id % 97 === 0 ? '1' : '1'
      const type = id % 211 === 0 ? 'pingback' : 'comment'
      const body = `${text(id, 16)}\n${text(id + 1, 7)} 🙂\n\n<strong>${text(id + 2, 3)}</strong> <a href="https://example.org/${id}">source</a> ${text(id + 3, 5)}`
      item += `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author>${cdata(`Reader ${id % 9000} Ünïcode`)}</wp:comment_author><wp:comment_author_email>${cdata(` reader${id % 9000}@example.org `)}</wp:comment_author_email>
<wp:comment_author_url>https://reader${id % 9000}.example/</wp:comment_author_url><wp:comment_author_IP>${cdata(id % 4 ? `198.51.${(id >> 8) % 256}.${id % 256}` : `2001:db8::${(id % 65535).toString(16)}`)}</wp:comment_author_IP>
<wp:comment_date>${cdata(wpDate(at))}</wp:comment_date><wp:comment_date_gmt>${cdata(wpDate(at))}</wp:comment_date_gmt><wp:comment_content>${cdata(body)}</wp:comment_content>
<wp:comment_approved>${cdata(approved)}</wp:comment_approved><wp:comment_type>${cdata(type)}</wp:comment_type><wp:comment_parent>${parent >= first ? parent : 0}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
<wp:comment_agent>${cdata('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/120.0')}</wp:comment_agent></wp:comment>
`
    }
    await write(item + '</item>\n')
  }
  await write('</channel>\n</rss>\n')
  out.end()
  await once(out, 'finish')
  return statSync(path).size
}

export interface ImportBench {
  comments: number
  bytes: number
  seconds: number
  perSecond: number
  peakRssMb: number
  /** CPU time of the importing process (the database server's is extra): the machine is shared. */
  cpuSeconds: number
  database: string
}

/**
 * The Node flags `npm run parley` runs with (package.json): the child runs under the same ones, so
 * the bench measures what the CLI does. `--max-old-space-size=1024` there is what keeps the import's
 * peak RSS down: with Node's default heap limit (4 GB here) V8 lets the old generation grow to 4× what
 * is live before collecting; under a 1 GB limit it collects at about 1.6×.
 */
export function cliNodeFlags(script: 'parley' | 'start' = 'parley'): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
  return pkg.scripts[script]!.split(/\s+/).filter((a) => a.startsWith('--'))
}

/** Generates the file, imports it in a child process, and reports rate and peak RSS. */
export async function benchImport(): Promise<ImportBench> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-import-'))
  const file = join(dir, 'wordpress.xml')
  try {
    const bytes = await generateWxr(file)
    const child = spawn(process.execPath, [...cliNodeFlags(), '--import', 'tsx', fileURLToPath(import.meta.url), '--child', file], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env })
    let out = ''
    child.stdout!.on('data', (d) => (out += d))
    const [code] = (await once(child, 'exit')) as [number]
    if (code !== 0) throw new Error(`import bench child exited with ${code}`)
    const r = JSON.parse(out.trim().split('\n').pop()!) as Omit<ImportBench, 'bytes'>
    return { ...r, bytes }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The child: a fresh database (a new schema in DATABASE_URL, else PGlite in memory), one import. */
async function child(file: string): Promise<void> {
  const { openBenchDatabase, benchDeps } = await import('./setup.js')
  const { addSite } = await import('../src/sites/site.service.js')
  const { runImport } = await import('../src/imports/import.service.js')
  const { fileInput } = await import('../src/imports/files.node.js')

  const url = process.env.DATABASE_URL
  const bench = await openBenchDatabase('bench_import', url)
  try {
    const deps = await benchDeps(bench.opened.db)
    await addSite(bench.opened.db, { id: 'bench', origins: [] }, new Date())
    const started = performance.now()
    const cpu0 = process.cpuUsage()
    const r = await runImport(deps, { site: 'bench', format: 'wordpress', input: fileInput(file), dryRun: false, actor: null })
    const seconds = (performance.now() - started) / 1000
    process.stdout.write(
      JSON.stringify({
        comments: r.summary.comments,
        seconds,
        perSecond: r.summary.comments / seconds,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
        database: url ? 'PostgreSQL' : 'PGlite (in memory)',
      }) + '\n',
    )
  } finally {
    await bench.close()
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!)
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchImport()
  console.log(
    `WordPress import: ${r.comments.toLocaleString('en-US')} comments (${(r.bytes / 1048576).toFixed(0)} MB) in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(0)} comments/s, peak RSS ${r.peakRssMb.toFixed(0)} MB, ${r.cpuSeconds.toFixed(1)} s CPU, ${r.database}`,
  )
}
