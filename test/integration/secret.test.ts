import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveSecret } from '../../src/bootstrap.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { memoryLogger } from '../../src/lib/log.js'
import { signToken, verifyToken } from '../../src/notifications/tokens.js'
import { createKeyring } from '../../src/privacy/keys.js'
import { createTestDb, type TestDb } from '../helpers/db.js'

/**
 * SECRET as `npm start`, the worker and the CLI resolve it (bootNode → resolveSecret): in
 * development one is generated on the first start and kept in the database, so every later start
 * (and the worker and CLI beside it) signs and keys with the same one; in production it is required.
 * Each "start" here resolves the secret afresh against the same database, as a restart does.
 */
let a: TestDb
let b: TestDb
beforeAll(async () => {
  ;[a, b] = await Promise.all([createTestDb(), createTestDb()])
})
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()])
})

const config = (env: Record<string, string>) => loadConfig({ PUBLIC_URL: 'http://parley.test', ...env })
async function start(db: TestDb, env: Record<string, string>) {
  const log = memoryLogger()
  const secret = await resolveSecret(db.db, config(env), log)
  return { secret, keys: await createKeyring(secret), lines: log.lines }
}
const stored = async (db: TestDb) => (await db.db.selectFrom('meta').select('value').where('key', '=', 'secret').executeTakeFirst())?.value

describe('SECRET', () => {
  it('when set, it is used and nothing is generated or stored', async () => {
    const SECRET = 'an-operator-chosen-secret-0123456789-abc'
    const s = await start(a, { NODE_ENV: 'development', SECRET })
    expect(s.secret).toBe(SECRET)
    expect(await stored(a)).toBeUndefined()
  })

  it('in development without it: generated on the first start, kept in the database, the same on every later start', async () => {
    const first = await start(a, { NODE_ENV: 'development' })
    expect(first.secret.length).toBeGreaterThanOrEqual(32)
    expect(await stored(a)).toBe(first.secret)
    expect(first.lines.some((l) => l.includes('No SECRET set: generated one'))).toBe(true)
    // The secret itself is never logged.
    expect(first.lines.join('\n')).not.toContain(first.secret)
    const now = new Date()
    const link = await signToken(first.keys, 'unsubscribe', { site: 'demo', key: 'k1' }, now)
    const emailKey = await first.keys.emailKey('reader@example.org')

    for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'test' }]) {
      const again = await start(a, env)
      expect(again.secret).toBe(first.secret)
      expect(again.lines.some((l) => l.includes('generated'))).toBe(false)
      // What the first start signed or keyed still holds: links in sent emails keep working.
      expect(await verifyToken(again.keys, 'unsubscribe', link, now)).toEqual({ site: 'demo', key: 'k1' })
      expect(await again.keys.emailKey('reader@example.org')).toBe(emailKey)
    }

    // Another database is another installation: another secret, and the link is not valid there.
    const other = await start(b, { NODE_ENV: 'development' })
    expect(other.secret).not.toBe(first.secret)
    expect(await verifyToken(other.keys, 'unsubscribe', link, now)).toBeNull()
  })

  it('two starts at once (server and worker) agree on one secret', async () => {
    await b.db.deleteFrom('meta').where('key', '=', 'secret').execute()
    const [x, y] = await Promise.all([start(b, { NODE_ENV: 'development' }), start(b, { NODE_ENV: 'development' })])
    expect(x.secret).toBe(y.secret)
    expect(await stored(b)).toBe(x.secret)
  })

  it('in production: required, even where a development start stored one', async () => {
    expect(await stored(a)).toBeDefined()
    const err = await start(a, { NODE_ENV: 'production' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toContain('SECRET is required when NODE_ENV=production')
  })

  it('too short a SECRET is refused without echoing it', () => {
    let err: unknown = null
    try {
      config({ NODE_ENV: 'production', SECRET: 'short-secret-value' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toContain('SECRET must be at least 32 characters')
    expect((err as Error).message).not.toContain('short-secret-value')
  })
})
