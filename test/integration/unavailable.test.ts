import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { createTestContext, newComment } from '../helpers/app.js'

describe('when the database is gone', () => {
  it('answers 503 unavailable with Retry-After, never a 500', async () => {
    const t = await createTestContext()
    const app = createApp(t.deps)
    await t.close()
    for (const [method, path, body] of [
      ['GET', '/api/comments?site=news&uri=/x', undefined],
      ['POST', '/api/comments', JSON.stringify(newComment())],
      ['GET', '/api/counts?site=news&uri=/x', undefined],
      ['GET', '/healthz', undefined],
    ] as const) {
      const res = await app.request(path, { method, headers: { 'content-type': 'application/json', 'x-test-ip': '192.0.2.3' }, ...(body ? { body } : {}) })
      expect(res.status, `${method} ${path}`).toBe(503)
      expect(((await res.json()) as any).error.code).toBe('unavailable')
      // The client did nothing wrong: it is told when to try again (the widget and proxies read it).
      if (path !== '/healthz') expect(res.headers.get('retry-after'), `${method} ${path}`).toBe('5')
    }
  })
})
