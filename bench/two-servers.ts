// Two `npm start` servers (src/server.node.ts bundled as npm start bundles it, run with its Node
// flags; each with its own outbox worker) on one PostgreSQL
// database, behind nothing: a comment posted through one is read through the other, flood control
// and the sign-in lockout hold across both, and each email is delivered exactly once.
// Needs DATABASE_URL (a scratch schema, dropped after). `npx tsx bench/two-servers.ts` alone.
import { spawn, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { SMTPServer } from 'smtp-server'
import { createUser } from '../src/auth/user.service.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { CHEAP_ARGON2 } from '../src/auth/passwords.js'
import { migrateToLatest } from '../src/db/index.js'
import { openDatabase } from '../src/db/node.js'
import { addSite } from '../src/sites/site.service.js'
import { fileURLToPath } from 'node:url'
import { buildNode } from '../scripts/build-server.mjs'
import { cliNodeFlags } from './import.js'

export interface TwoServers {
  crossReadMs: number | null
  floodHeld: boolean
  lockoutHeld: boolean
  emails: { expected: number; delivered: number; distinct: number }
}

export async function benchTwoServers(url: string): Promise<TwoServers> {
  const schema = `bench_two_${Date.now().toString(36)}`
  const admin = await openDatabase({ databaseUrl: url, max: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
  const opened = await openDatabase({ databaseUrl: url, searchPath: schema, max: 2 })
  const messageIds: string[] = []
  const smtp = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, _session, cb) {
      let head = ''
      stream.on('data', (b: Buffer) => {
        if (head.length < 64_000) head += b.toString('latin1')
      })
      stream.on('end', () => {
        messageIds.push(/^message-id:\s*(\S+)/im.exec(head)?.[1] ?? `none-${messageIds.length}`)
        cb()
      })
    },
  })
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r))
  const smtpPort = (smtp.server.address() as AddressInfo).port
  const servers: ChildProcess[] = []
  try {
    await migrateToLatest(opened.db)
    const now = new Date()
    await addSite(opened.db, { id: 'two', origins: [], settings: { moderationMode: 'post', floodSeconds: 15 } }, now)
    await addSite(opened.db, { id: 'held', origins: [], settings: { moderationMode: 'pre', floodSeconds: 0, moderatorEmails: ['desk@newsroom.example'] } }, now)
    await createUser(opened.db, nodePasswordHasher(CHEAP_ARGON2), { email: 'mod@newsroom.example', password: 'the-right-password-1', role: 'admin', sites: null }, now)

    const u = new URL(url)
    u.searchParams.set('search_path', schema)
    const env = {
      ...process.env,
      DATABASE_URL: u.toString(),
      PORT: '0',
      HOST: '127.0.0.1',
      SECRET: 'bench-two-servers-secret-0123456789-0123456789',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      WORKER_INTERVAL_MS: '100',
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://127.0.0.1',
    }
    const bundle = await buildNode(fileURLToPath(new URL('../src/server.node.ts', import.meta.url)), fileURLToPath(new URL('../dist/bench/two/server.js', import.meta.url)))
    const start = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [...cliNodeFlags('start'), bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] })
        servers.push(child)
        let out = ''
        const onData = (b: Buffer) => {
          out += b.toString()
          const m = /listening on .*\(port (\d+)/.exec(out)
          if (m) resolve(Number(m[1]))
        }
        child.stdout!.on('data', onData)
        child.stderr!.on('data', onData)
        child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out.slice(-500)}`)))
      })
    const [a, b] = await Promise.all([start(), start()])
    const base = (p: number) => `http://127.0.0.1:${p}`
    const postJson = (port: number, path: string, body: unknown) =>
      fetch(base(port) + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

    // 1. Cross-read: B has the page cached; a comment posted through A shows through B.
    const read = async () => ((await (await fetch(`${base(b)}/api/comments?site=two&uri=/shared`)).json()) as { comments: { id: string }[] }).comments
    await read()
    const posted = await postJson(a, '/api/comments', { site: 'two', uri: '/shared', name: 'Ada', email: 'ada@example.org', body: 'Through A.' })
    const id = ((await posted.json()) as { comment: { id: string } }).comment.id
    const t0 = performance.now()
    let crossReadMs: number | null = null
    while (performance.now() - t0 < 5000) {
      if ((await read()).some((c) => c.id === id)) {
        crossReadMs = performance.now() - t0
        break
      }
      await new Promise((r) => setTimeout(r, 20))
    }

    // 2. Flood (15 s): the same author again through the other server is refused.
    const again = await postJson(b, '/api/comments', { site: 'two', uri: '/shared', name: 'Ada', email: 'ada@example.org', body: 'Through B, at once.' })
    const floodHeld = posted.status === 201 && again.status === 429

    // 3. Lockout: five wrong passwords for one account, alternating servers; then even the right one is refused.
    const login = (port: number, password: string) => postJson(port, '/api/auth/login', { email: 'mod@newsroom.example', password })
    const wrong: number[] = []
    for (let i = 0; i < 5; i++) wrong.push((await login(i % 2 ? b : a, `wrong-${i}`)).status)
    const locked = [(await login(a, 'the-right-password-1')).status, (await login(b, 'the-right-password-1')).status]
    const lockoutHeld = wrong.every((s) => s === 401) && locked.every((s) => s === 429)

    // 4. Each email once: 20 held comments, half through each server; both workers deliver.
    const expected = 20
    for (let i = 0; i < expected; i++) {
      const res = await postJson(i % 2 ? b : a, '/api/comments', { site: 'held', uri: `/held-${i % 3}`, name: `Held ${i}`, email: `held${i}@example.org`, body: `Held comment ${i}` })
      if (res.status !== 202) throw new Error(`held post answered ${res.status}`)
    }
    const deadline = performance.now() + 30_000
    while (performance.now() < deadline) {
      const { rows } = await sql<{ n: string }>`select count(*) as n from email_outbox where status = 'pending'`.execute(opened.db)
      if (Number(rows[0]!.n) === 0 && messageIds.length >= expected) break
      await new Promise((r) => setTimeout(r, 100))
    }
    await new Promise((r) => setTimeout(r, 500)) // a late duplicate would land now
    return { crossReadMs, floodHeld, lockoutHeld, emails: { expected, delivered: messageIds.length, distinct: new Set(messageIds).size } }
  } finally {
    await Promise.all(
      servers.map((s) => new Promise<void>((r) => (s.exitCode !== null ? r() : (s.once('exit', () => r()), s.kill('SIGTERM'))))),
    )
    smtp.close()
    await sql`drop schema ${sql.id(schema)} cascade`.execute(opened.db).catch(() => {})
    await opened.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is needed')
  console.log(await benchTwoServers(process.env.DATABASE_URL))
}
