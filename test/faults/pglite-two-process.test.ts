import { mkdtempSync, rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { fetchWithin, spawnTs, startServerProcess, type Spawned } from './helpers.js'

/**
 * The PGlite two-process drill. Embedded PGlite is one process only: a second process on the
 * same data directory (the README once told newcomers to run the CLI next to `npm start`)
 * wrote behind the server's back, lost the admin on restart, and after a kill -9 left a
 * directory that no longer booted. Now the server holds a lock: the CLI refuses with one line;
 * after a kill -9 the lock is stale, so the CLI takes it over and works, and the server boots
 * again with everything in place.
 */
describe('PGlite two-process drill', () => {
  const dataDir = mkdtempSync('/tmp/parley-faults-two-process-')
  const env = { DATA_DIR: dataDir, DEMO: 'true', SECRET: 'two-process-secret-0123456789-0123456789' }
  const servers: Spawned[] = []
  afterAll(async () => {
    for (const s of servers) {
      s.kill('SIGKILL')
      await s.exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** `npm run parley -- …` as its own process; resolves with its exit code and output. */
  async function cli(...args: string[]) {
    const p = spawnTs('src/cli/parley.ts', args, env)
    const { code } = await p.exited
    return { code, lines: p.lines.filter((l) => l.trim() !== '') }
  }

  it('refuses the CLI while the server runs (one line, exit ≠ 0); after kill -9 the CLI works and the server boots with the data', async () => {
    const t0 = Date.now()
    const step = (what: string) => console.log(`[two-process] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`)
    const server = await startServerProcess(env)
    servers.push(server)
    // No admin yet: the server offers the one-time link instead of a second process.
    await server.waitFor(/\/mod\/setup\?token=\S{20,}/)

    step('server 1 listening')
    const posted = await fetchWithin(30_000, `${server.url}/api/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', uri: '/two-process', body: 'Written before the crash.', name: 'Ann', email: 'ann@example.org' }),
    })
    expect([201, 202]).toContain(posted.status)
    const commentId = (await posted.json()).comment.id as string

    // The CLI on the same directory: refused, one clear line naming the server's pid and port.
    const refused = await cli('admin', 'create', '--email', 'chief@example.org', '--password', 'chief-password-1')
    expect(refused.code).not.toBe(0)
    expect(refused.code).not.toBeNull()
    expect(refused.lines).toHaveLength(1)
    expect(refused.lines[0]).toContain(`pid ${server.child.pid}, port ${server.port}`)
    expect(refused.lines[0]).toMatch(/^Error: the embedded database in .* is in use by Parley's server .*stop it first.*\/mod\/setup/)
    step('CLI refused')
    // So are migrate and a second server.
    const migrate = spawnTs('src/cli/migrate.ts', [], env)
    const second = spawnTs('src/server.node.ts', [], { ...env, HOST: '127.0.0.1', PORT: '0' })
    servers.push(second)
    expect((await migrate.exited).code).toBe(1)
    expect(migrate.lines.join('\n')).toContain(`pid ${server.child.pid}, port ${server.port}`)
    expect((await second.exited).code).toBe(1)
    expect(second.lines.join('\n')).toContain('it is already running there')

    step('migrate and a second server refused')
    // The server is still fine: it answers, and reads its own data.
    expect((await fetchWithin(30_000, `${server.url}/healthz`)).status).toBe(200)
    expect(server.exitCode()).toBeUndefined()

    // A crash: the lock file stays behind, but its pid is gone.
    server.kill('SIGKILL')
    expect((await server.exited).signal).toBe('SIGKILL')

    step('server 1 killed')
    const made = await cli('admin', 'create', '--email', 'chief@example.org', '--password', 'chief-password-1')
    expect(made.code, made.lines.join('\n')).toBe(0)
    expect(made.lines.join('\n')).toContain(`Took over the lock on ${dataDir}: its holder (pid ${server.child.pid}, npm start) is no longer running.`)
    expect(made.lines.join('\n')).toContain('Created admin chief@example.org')

    // The server boots again on the same directory, with the comment and the CLI's admin.
    step('CLI made the admin')
    const again = await startServerProcess(env)
    servers.push(again)
    step('server 2 listening')
    expect(again.lines.join('\n')).not.toContain('/mod/setup?token=')
    const login = await fetchWithin(60_000, `${again.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'chief@example.org', password: 'chief-password-1' }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('parley_session='))!.split(';')[0]!
    const queue = await fetchWithin(30_000, `${again.url}/api/mod/queue?site=demo&queue=pending`, { headers: { cookie } })
    expect(queue.status).toBe(200)
    expect((await queue.json()).items.map((c: { id: string }) => c.id)).toContain(commentId)

    // And it stops cleanly, letting the lock go: the CLI works at once, with no takeover.
    step('data checked')
    again.kill('SIGTERM')
    expect((await again.exited).code).toBe(0)
    const list = await cli('user', 'list')
    expect(list.code).toBe(0)
    expect(list.lines.join('\n')).not.toContain('Took over')
    expect(list.lines.join('\n')).toContain('chief@example.org\tadmin')
    step('done')
  }, 600_000)
})
