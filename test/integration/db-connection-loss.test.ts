import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { openDatabase, type OpenedDatabase } from '../../src/db/node.js'
import { isDatabaseUnavailable } from '../../src/errors.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'

/**
 * A lost PostgreSQL connection (our own backend ended with pg_terminate_backend) is an error
 * the request answers 503, never a crash of the process, a hang, or a 500; the pool then goes
 * on with fresh connections. PostgreSQL only: PGlite has no connection to lose.
 */
const url = process.env.DATABASE_URL
const onPostgres = Boolean(url)
if (!onPostgres) console.log('[db-connection-loss] skipped: PGlite has no connection to lose (set DATABASE_URL)')

describe.skipIf(!onPostgres)('a lost PostgreSQL connection', () => {
  let t: TestContext
  let killer: OpenedDatabase
  beforeAll(async () => {
    t = await createTestContext()
    killer = await openDatabase({ databaseUrl: url, max: 1 })
  })
  afterAll(async () => {
    await killer?.close()
    await t?.close()
  })

  const terminate = (pid: number) => sql`select pg_terminate_backend(${pid})`.execute(killer.db)

  it('inside a transaction: the error is a connection error (503), the rollback does not turn it into another, and the next query works', async () => {
    const err = await t.deps.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)
        await terminate(rows[0]!.pid)
        await sql`select 1`.execute(trx)
        await sql`select 2`.execute(trx)
      })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(err).not.toBeNull()
    expect(String((err as Error).message)).not.toMatch(/PRIVATE_MARK_FOR_DISCARD|is not a function/)
    expect(isDatabaseUnavailable(err)).toBe(true)
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(t.deps.db)
    expect(rows[0]!.one).toBe(1)
  })

  it('a connection ended while idle in the pool is replaced without an error', async () => {
    const pids = await Promise.all(
      Array.from({ length: 4 }, () => sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(t.deps.db)),
    )
    for (const p of new Set(pids.map((r) => r.rows[0]!.pid))) await terminate(p)
    // Each pooled connection may answer its first query after the loss with a connection error
    // (503 for that one request); none may crash the process, and the pool must come back.
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => sql`select 1`.execute(t.deps.db)))
    for (const r of results) if (r.status === 'rejected') expect(isDatabaseUnavailable(r.reason)).toBe(true)
    const again = await Promise.all(Array.from({ length: 8 }, () => sql<{ one: number }>`select 1 as one`.execute(t.deps.db)))
    expect(again.every((r) => r.rows[0]!.one === 1)).toBe(true)
  })

  it('posts whose backends die answer 503 unavailable with Retry-After; every acknowledged one is stored and the next post works', async () => {
    const app = createApp(t.deps)
    let ip = 0
    const post = () =>
      app.request('/api/comments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-ip': `203.0.113.${++ip}` },
        body: JSON.stringify(newComment({ uri: '/loss' })),
      })
    // The test's own reads may land on an idle connection whose backend this test killed before
    // the pool heard of it: that read fails as unavailable (the server's 503) and is asked again,
    // at most once per connection the pool holds.
    const read = async <T>(q: () => Promise<T>): Promise<T> => {
      for (let i = 0; ; i++) {
        try {
          return await q()
        } catch (err) {
          if (!isDatabaseUnavailable(err) || i >= 10) throw err
        }
      }
    }
    for (let round = 0; round < 3; round++) {
      // This test's own pool: every backend it holds (the pool has at most 10).
      const pids = await Promise.all(
        Array.from({ length: 10 }, () => read(() => sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(t.deps.db))),
      )
      const inFlight = Array.from({ length: 8 }, post)
      await new Promise((r) => setTimeout(r, 3 * round))
      for (const p of new Set(pids.map((r) => r.rows[0]!.pid))) await terminate(p)
      const responses = await Promise.all(inFlight)
      for (const res of responses) {
        expect([201, 202, 503]).toContain(res.status)
        const body = (await res.json()) as any
        if (res.status === 503) {
          expect(body.error.code).toBe('unavailable')
          expect(res.headers.get('retry-after')).toBeTruthy()
        } else {
          const stored = await read(() => t.deps.db.selectFrom('comments').select('id').where('id', '=', body.comment.id).execute())
          expect(stored.length).toBe(1)
        }
      }
    }
    const after = await post()
    expect([201, 202]).toContain(after.status)
  })

  it('waiting for a free connection ends in a connection error after the acquire deadline, not a hang', async () => {
    const small = await openDatabase({ databaseUrl: url, max: 1, pool: { acquireTimeoutMs: 300 } })
    try {
      const held = sql`select pg_sleep(1.5)`.execute(small.db)
      const started = Date.now()
      const err = await sql`select 1`.execute(small.db).then(
        () => null,
        (e: unknown) => e,
      )
      expect(Date.now() - started).toBeLessThan(1_200)
      expect(isDatabaseUnavailable(err)).toBe(true)
      await held
    } finally {
      await small.close()
    }
  })

  it('a database that refuses connections fails each query at once (no growing reconnect backoff)', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const gone = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:9/none', max: 2 })
    try {
      for (let i = 0; i < 12; i++) {
        const started = Date.now()
        const err = await sql`select 1`.execute(gone.db).then(
          () => null,
          (e: unknown) => e,
        )
        expect(isDatabaseUnavailable(err), String(err)).toBe(true)
        expect(Date.now() - started).toBeLessThan(1_000)
      }
      const app = createApp({ ...t.deps, db: gone.db })
      const res = await app.request('/healthz')
      expect(res.status).toBe(503)
    } finally {
      await gone.close()
    }
  })
})
