// `npm start` runs the server bundled by esbuild (scripts/build-server.mjs) with plain node: no
// TypeScript loader in the process (docs/perf.md "Round 3: memory"). This builds the bundle
// afresh into a new directory (never the possibly stale dist/server.js), starts it as `npm start`
// does — the Node flags of package.json's start script — and checks that it migrates, listens and
// serves what it reads at runtime (the widget bundle, the demo article), and that the bench runs
// the same bundle options and flags.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliNodeFlags } from '../../bench/import.js'
import { buildNode } from '../../scripts/build-server.mjs'
import { openDatabase } from '../../src/db/node.js'

const ROOT = new URL('../../', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
const url = process.env.DATABASE_URL

describe('npm start: the bundled server under plain node', () => {
  // Inside the project (the packages left external resolve from node_modules), a fresh directory.
  mkdirSync(join(ROOT, 'dist'), { recursive: true })
  const dir = mkdtempSync(join(ROOT, 'dist', 'test-'))
  const cwd = mkdtempSync(join(tmpdir(), 'parley-bundle-cwd-'))
  const schema = `bundle_${Date.now().toString(36)}`
  let child: ChildProcess | undefined
  let base = ''
  const output: string[] = []

  beforeAll(async () => {
    const bundle = await buildNode(join(ROOT, 'src/server.node.ts'), join(dir, 'server.js'))
    if (url) {
      const admin = await openDatabase({ databaseUrl: url, max: 1 })
      await sql`create schema ${sql.id(schema)}`.execute(admin.db)
      await admin.close()
    }
    // As `npm start` runs it: its Node flags, plain node, nothing else on the command line.
    child = spawn(process.execPath, [...cliNodeFlags('start'), bundle], {
      cwd, // not the project: nothing may be read relative to the working directory
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HOST: '127.0.0.1',
        PORT: '0',
        SECRET: 'bundle-test-secret-0123456789-0123456789',
        // PostgreSQL: a scratch schema (postgres.js passes search_path on as a connection parameter).
        ...(url ? { DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}search_path=${schema}` } : { DATA_DIR: join(cwd, 'data') }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line in 90 s:\n${output.join('')}`)), 90_000)
      const on = (d: Buffer) => {
        output.push(d.toString())
        const m = output.join('').match(/listening on .*\(port (\d+)/)
        if (m) {
          clearTimeout(timer)
          resolve(`http://127.0.0.1:${m[1]}`)
        }
      }
      child!.stdout!.on('data', on)
      child!.stderr!.on('data', on)
      child!.once('exit', (code) => reject(new Error(`the bundled server exited with ${code}:\n${output.join('')}`)))
    })
  }, 120_000)

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
    rmSync(cwd, { recursive: true, force: true })
    if (url) {
      const admin = await openDatabase({ databaseUrl: url, max: 1 })
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    }
  }, 60_000)

  it('npm start builds the bundle first and runs it with plain node and its memory flags', () => {
    expect(pkg.scripts.prestart).toContain('npm run build:server')
    expect(pkg.scripts['build:server']).toBe('node scripts/build-server.mjs')
    expect(pkg.scripts.start).toMatch(/^node .*dist\/server\.js$/)
    expect(pkg.scripts.start).not.toContain('tsx')
    expect(cliNodeFlags('start')).toEqual(expect.arrayContaining(['--enable-source-maps', '--max-semi-space-size=8', '--heap-growing-percent=20']))
  })

  it('writes a source map beside the bundle (stack traces name src/ files)', () => {
    expect(existsSync(join(dir, 'server.js.map'))).toBe(true)
    const map = JSON.parse(readFileSync(join(dir, 'server.js.map'), 'utf8')) as { sources: string[] }
    expect(map.sources.some((s) => s.endsWith('src/server.node.ts'))).toBe(true)
  })

  it('migrates, listens and answers from the database', async () => {
    expect(output.join('')).toMatch(/migrations applied/)
    const res = await fetch(`${base}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('serves the widget bundle and the demo article from inside the bundle', async () => {
    const embed = await fetch(`${base}/embed.js`)
    expect(embed.status).toBe(200)
    expect((await embed.text()).length).toBeGreaterThan(10_000)
    const demo = await fetch(`${base}/`)
    expect(demo.status).toBe(200)
    expect(await demo.text()).toContain('embed.js')
  })

  it('takes a comment and reads it back (the pipeline, the outbox, the read path)', async () => {
    const uri = '/bundle-check'
    const post = await fetch(`${base}/api/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ site: 'demo', uri, name: 'Bundle', email: 'bundle@example.org', body: 'From the bundled server.' }),
    })
    expect([201, 202]).toContain(post.status)
    const read = await fetch(`${base}/api/comments?site=demo&uri=${encodeURIComponent(uri)}`)
    expect(read.status).toBe(200)
    if (post.status === 201) expect(JSON.stringify(await read.json())).toContain('From the bundled server.')
  })
})
