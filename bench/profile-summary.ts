// Summarises a V8 CPU profile (node --cpu-prof; BENCH_CPU_PROF=<dir> npm run bench) as Markdown:
// self time by package/area, and the top functions. `npx tsx bench/profile-summary.ts <file>`.
import { readFileSync } from 'node:fs'

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const file = process.argv[2]
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile>')
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0))
const total = [...self.values()].reduce((a, b) => a + b, 0)

function area(n: Node): string {
  const { url, functionName } = n.callFrame
  if (functionName === '(idle)') return '(idle: waiting for I/O)'
  if (functionName === '(garbage collector)') return '(garbage collector)'
  if (functionName === '(program)') return '(program: V8/native)'
  if (!url) return `(native) ${functionName || 'anonymous'}`.slice(0, 60)
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]!
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node internals') + (url.startsWith('node:internal') ? '' : '')
  const s = /\/(src|bench|db|emails)\/(.*)$/.exec(url)
  return s ? `${s[1]}/${s[2]!.split('/')[0]}` : url
}

const areas = new Map<string, number>()
const fns = new Map<string, number>()
for (const [id, t] of self) {
  const n = byId.get(id)!
  areas.set(area(n), (areas.get(area(n)) ?? 0) + t)
  const { functionName, url, lineNumber } = n.callFrame
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${lineNumber + 1}`
  fns.set(key, (fns.get(key) ?? 0) + t)
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)} %`
console.log(`Profile: ${file.split('/').pop()}, ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s wall, ${p.samples.length} samples\n`)
console.log('| area (self time) | share |\n| --- | --- |')
for (const [k, t] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`| ${k} | ${pct(t)} |`)
console.log('\n| function (self time) | share |\n| --- | --- |')
for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`| \`${k.replace(/\|/g, '\\|')}\` | ${pct(t)} |`)
