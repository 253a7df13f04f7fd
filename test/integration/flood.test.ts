import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'

// Flood control (pipeline phase 3) counts a commenter's posts across the whole site: moving to
// another article of the same site does not reset the clock.

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 15 } })
})
afterAll(() => t.close())

const post = async (over: Record<string, unknown>, ip: string) => {
  const res = await t.request('POST', '/api/comments', { json: newComment(over), ip })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }
}
const count = async () => Number((await t.deps.db.selectFrom('comments').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

describe('flood control across the pages of one site', () => {
  it('refuses the same IP on another page within floodSeconds, and lets it through after', async () => {
    t.clock.advanceSeconds(60)
    expect((await post({ uri: '/2026/11/first-page' }, '192.0.2.77')).status).toBe(201)
    t.clock.advanceSeconds(5)
    const before = await count()
    const second = await post({ uri: '/2026/11/second-page' }, '192.0.2.77')
    expect(second.status).toBe(429)
    expect(second.body.error.code).toBe('rate_limited')
    expect(second.retryAfter).toBe('10')
    expect(await count()).toBe(before)
    t.clock.advanceSeconds(10)
    expect((await post({ uri: '/2026/11/third-page' }, '192.0.2.77')).status).toBe(201)
  })

  it('refuses the same email on another page from another IP', async () => {
    t.clock.advanceSeconds(60)
    expect((await post({ uri: '/2026/11/page-a', email: 'hopper@example.org' }, '192.0.2.80')).status).toBe(201)
    t.clock.advanceSeconds(1)
    const second = await post({ uri: '/2026/11/page-b', email: 'Hopper@Example.org' }, '192.0.2.81')
    expect(second.status).toBe(429)
    expect(second.retryAfter).toBe('14')
  })

  it('a reply on another page counts too', async () => {
    t.clock.advanceSeconds(60)
    const parent = await post({ uri: '/2026/11/page-c' }, '192.0.2.90')
    expect(parent.status).toBe(201)
    t.clock.advanceSeconds(60)
    expect((await post({ uri: '/2026/11/page-d' }, '192.0.2.91')).status).toBe(201)
    t.clock.advanceSeconds(2)
    const reply = await post({ uri: '/2026/11/page-c', parentId: parent.body.comment.id }, '192.0.2.91')
    expect(reply.status).toBe(429)
  })
})
