import { afterEach, describe, expect, it, vi } from 'vitest'
import worker, { type WorkerContext } from '../../src/server.worker.js'

// The Worker entry's configuration handling, run in Node (the workerd suite in test/worker/
// runs the same entry against PostgreSQL). No database is reached on these paths.
const SECRET = 'worker-entry-secret-0123456789-0123456789'

function context() {
  const waited: Promise<unknown>[] = []
  const ctx: WorkerContext = { waitUntil: (p) => void waited.push(p) }
  return { ctx, waited }
}

function captureLog() {
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((l: unknown) => void lines.push(String(l)))
  return lines
}

afterEach(() => vi.restoreAllMocks())

describe('Worker entry: configuration from bindings', () => {
  it('without SECRET answers /api with 503 in the contract shape and logs which variable is missing', async () => {
    const lines = captureLog()
    const { ctx } = context()
    const res = await worker.fetch(new Request('https://parley.example/api/comments?site=a&uri=/'), { DATABASE_URL: 'postgres://u:p@db.invalid/x' }, ctx)
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'The comment service is not configured yet.' } })
    expect(lines.some((l) => l.includes(' error ') && l.includes('SECRET is required on Cloudflare Workers'))).toBe(true)
  })

  it('answers other paths with a short HTML page that does not reveal the configuration', async () => {
    captureLog()
    const { ctx } = context()
    const res = await worker.fetch(new Request('https://parley.example/mod'), { DATABASE_URL: 'postgres://u:p@db.invalid/x', SECRET: 'short' }, ctx)
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toContain('text/html')
    const page = await res.text()
    expect(page).toContain('Parley is not configured yet')
    expect(page).not.toContain('SECRET')
  })

  it('parses vars with the same schema as Node, never echoing a secret value', async () => {
    const lines = captureLog()
    const { ctx } = context()
    const res = await worker.fetch(new Request('https://parley.example/api/counts'), { HYPERDRIVE: { connectionString: 'postgres://u:p@h/db' }, SECRET: 'too-short-secret' }, ctx)
    expect(res.status).toBe(503)
    const line = lines.find((l) => l.includes('SECRET must be at least 32 characters'))
    expect(line).toBeDefined()
    expect(line).not.toContain('too-short-secret')
  })

  it('without a database (no HYPERDRIVE, no DATABASE_URL) says so', async () => {
    const lines = captureLog()
    const res = await worker.fetch(new Request('https://parley.example/api/counts'), { SECRET }, context().ctx)
    expect(res.status).toBe(503)
    expect(lines.some((l) => l.includes('bind Hyperdrive as HYPERDRIVE'))).toBe(true)
  })

  it('serves requests that need no database without opening one, and closes the client via waitUntil', async () => {
    captureLog()
    const { ctx, waited } = context()
    const res = await worker.fetch(new Request('https://parley.example/avatar/0123456789abcdef.svg'), { SECRET, HYPERDRIVE: { connectionString: 'postgres://u:p@db.invalid:5432/x' } }, ctx)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    // One client was made for the request and is closed after it: the close settles without an
    // error (it never connected; a connection to db.invalid would have failed the request).
    expect(waited).toHaveLength(1)
    expect(await Promise.allSettled(waited)).toEqual([{ status: 'fulfilled', value: undefined }])
  })

  it('the cron handler waits for PUBLIC_URL before sending email (links need it)', async () => {
    const lines = captureLog()
    await worker.scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, { SECRET, DATABASE_URL: 'postgres://u:p@db.invalid/x' }, context().ctx)
    expect(lines.some((l) => l.includes('PUBLIC_URL is not set'))).toBe(true)
  })

  it('the cron handler leaves email in the outbox while no mail transport is configured', async () => {
    const lines = captureLog()
    const { ctx, waited } = context()
    const env = { SECRET, PUBLIC_URL: 'https://parley.example', DATABASE_URL: 'postgres://u:p@db.invalid/x' }
    await worker.scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, env, ctx)
    expect(lines.some((l) => l.includes('MAIL_API_URL is not set: due email stays in the outbox'))).toBe(true)
    // One client only, for the hourly retention purge (it needs no mail); none for delivery.
    expect(waited).toHaveLength(1)
    expect(lines.some((l) => l.includes('retention purge failed'))).toBe(true)
  })
})
