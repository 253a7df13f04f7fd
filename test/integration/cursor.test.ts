import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeCursor } from '../../src/lib/cursor.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
beforeAll(async () => {
  t = await createTestContext()
  admin = await signIn(t)
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: newComment({ uri: '/cursor' }) })
  expect([201, 202]).toContain(res.status)
})
afterAll(() => t.close())

const b64 = (s: string) => btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

// Cursors a client can forge that the database would refuse: out-of-range bigints and timestamps.
const forged = [
  ['seq past bigint', b64('2026-11-01T00:00:00.000Z|9999999999999999999')],
  ['seq one past bigint max', b64('2026-11-01T00:00:00.000Z|9223372036854775808')],
  ['timestamp before 4713 BC', b64('-271821-04-20T00:00:00.000Z|1')],
  ['timestamp in a loose format', b64('Tue 1|1')],
  ['unicode-safe encoding, bigint', encodeCursor(['2026-11-01T00:00:00.000Z', '99999999999999999999'])],
  ['unicode-safe encoding, seq past bigint', encodeCursor(['2026-11-01T00:00:00.000Z', '9999999999999999999'])],
]

describe('forged page cursors', () => {
  it.each(forged)('GET /api/comments refuses a cursor with a %s: 400 validation_failed', async (_, cursor) => {
    const res = await t.request('GET', `/api/comments?site=news&uri=/cursor&cursor=${cursor}`)
    expect(res.status).toBe(400)
    const body = (await res.json()) as any
    expect(body.error.code).toBe('validation_failed')
    expect(body.error.fields[0].path).toBe('cursor')
  })

  it.each(forged)('GET /api/mod/queue refuses a cursor with a %s: 400 validation_failed', async (_, cursor) => {
    const res = await admin.request('GET', `/api/mod/queue?site=news&queue=pending&cursor=${cursor}`)
    expect(res.status).toBe(400)
    const body = (await res.json()) as any
    expect(body.error.code).toBe('validation_failed')
    expect(body.error.fields[0].path).toBe('cursor')
  })

  it('GET /api/mod/audit refuses an id past bigint', async () => {
    for (const id of ['9999999999999999999', '9223372036854775808']) {
      const res = await admin.request('GET', `/api/mod/audit?site=news&cursor=${encodeCursor([id])}`)
      expect(res.status, id).toBe(400)
      expect(((await res.json()) as any).error.code).toBe('validation_failed')
    }
  })

  it('still accepts the largest bigint (an empty page, not an error)', async () => {
    const res = await t.request('GET', `/api/comments?site=news&uri=/cursor&cursor=${b64('2026-11-01T00:00:00.000Z|9223372036854775807')}`)
    expect(res.status).toBe(200)
    const q = await admin.request('GET', `/api/mod/queue?site=news&queue=pending&cursor=${encodeCursor(['2999-01-01T00:00:00.000Z', '9223372036854775807'])}`)
    expect(q.status).toBe(200)
    expect(((await q.json()) as any).items.length).toBe(1)
  })
})
