import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
})
afterAll(() => t.close())

describe('smoke', () => {
  it('posts and reads back a comment', async () => {
    const res = await t.request('POST', '/api/comments', { json: newComment() })
    expect(res.status).toBe(201)
    const list = await t.request('GET', '/api/comments?site=news&uri=/2026/11/cartels')
    const body = await list.json()
    expect(body.comments).toHaveLength(1)
  })
})
