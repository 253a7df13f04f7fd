import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createTestContext, newComment, PUBLIC_URL, TEST_SECRET, type TestContext } from '../helpers/app.js'
import { signIn } from '../helpers/mod.js'

// The per-instance thread page cache (THREAD_CACHE_SECONDS, default 1 s). The test clock never
// moves here unless a test moves it, so a page cached by this app instance stays "young":
// anything the reader sees change must have been dropped from the cache by the write itself.

let t: TestContext | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

const URI = '/2026/11/cache'
const read = async (ctx: TestContext, uri = URI) => {
  const res = await ctx.request('GET', `/api/comments?site=news&uri=${encodeURIComponent(uri)}`)
  expect(res.status).toBe(200)
  return (await res.json()) as { thread: { title: string; closed: boolean; commentCount: number }; comments: { id: string; html: string }[] }
}
const threadIdOf = async (ctx: TestContext, uri = URI) =>
  (await ctx.deps.db.selectFrom('threads').select('id').where('uri', '=', uri).executeTakeFirstOrThrow()).id

async function publishedThread(ctx: TestContext) {
  const res = await ctx.request('POST', '/api/comments', { json: newComment({ uri: URI, title: 'Old title' }) })
  expect(res.status).toBe(201)
  // Read once: the page is now in this instance's cache.
  const first = await read(ctx)
  expect(first.thread).toMatchObject({ title: 'Old title', closed: false, commentCount: 1 })
  return { id: await threadIdOf(ctx), commentId: ((await res.json()) as { comment: { id: string } }).comment.id }
}

describe('writes through this server show at once', () => {
  it('closing and retitling a thread with the moderator API', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const { id } = await publishedThread(t)
    const admin = await signIn(t)
    const res = await admin.request('PATCH', `/api/mod/threads/${id}`, { json: { closed: true, title: 'New title' } })
    expect(res.status).toBe(200)
    expect((await res.json()).thread).toMatchObject({ closed: true, title: 'New title' })
    expect((await read(t)).thread).toMatchObject({ closed: true, title: 'New title' })
    // And reopening shows at once too.
    expect((await admin.request('PATCH', `/api/mod/threads/${id}`, { json: { closed: false } })).status).toBe(200)
    expect((await read(t)).thread.closed).toBe(false)
  })

  it('closing a thread from the desk form (/mod)', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const { id } = await publishedThread(t)
    const admin = await signIn(t)
    const res = await t.request('POST', `/mod/threads/${id}`, {
      body: 'closed=1',
      headers: { cookie: admin.cookie, origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(303)
    expect((await read(t)).thread.closed).toBe(true)
  })

  it('a moderation action (the cache is dropped for the thread it touched)', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const { commentId } = await publishedThread(t)
    const admin = await signIn(t)
    expect((await admin.request('POST', `/api/mod/comments/${commentId}/actions`, { json: { action: 'reject' } })).status).toBe(200)
    expect((await read(t)).comments).toEqual([])
  })

  it('a site setting changed with the admin API (the site’s pages and counts are dropped)', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0, defaultSort: 'oldest' } })
    const first = await t.request('POST', '/api/comments', { json: newComment({ uri: URI, name: 'Ann First' }) })
    const second = await t.request('POST', '/api/comments', { json: newComment({ uri: URI, name: 'Ben Second' }) })
    const ids = [first, second].map(async (r) => ((await r.json()) as { comment: { id: string } }).comment.id)
    const [a, b] = await Promise.all(ids)
    // A read without `sort` is cached in the site's default order…
    expect((await read(t)).comments.map((c) => c.id)).toEqual([a, b])
    const admin = await signIn(t)
    expect((await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { defaultSort: 'newest' } })).status).toBe(200)
    // …and the next one, still inside the cache window, is in the new default order.
    expect((await read(t)).comments.map((c) => c.id)).toEqual([b, a])
  })
})

describe('the cache window', () => {
  it('with the default (1 s) a write behind the app’s back shows once the window has passed', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const { id } = await publishedThread(t)
    await sql`update threads set title = 'Changed in SQL' where id = ${id}`.execute(t.deps.db)
    // Within the window: the cached page (this is what THREAD_CACHE_SECONDS allows).
    expect((await read(t)).thread.title).toBe('Old title')
    t.clock.advanceSeconds(1)
    expect((await read(t)).thread.title).toBe('Changed in SQL')
  })

  it('THREAD_CACHE_SECONDS=0: every read is fresh, even for writes no instance was told about', async () => {
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL, SECRET: TEST_SECRET, THREAD_CACHE_SECONDS: '0' })
    expect(config.threadCacheSeconds).toBe(0)
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 }, deps: { config: { ...config, secret: TEST_SECRET } } })
    const { id, commentId } = await publishedThread(t)
    // Another process (or a person with psql) changes the thread and a comment, bumping no version.
    await sql`update threads set title = 'Changed in SQL', closed = true where id = ${id}`.execute(t.deps.db)
    await sql`update comments set body_html = '<p>Rewritten in SQL.</p>' where id = ${commentId}`.execute(t.deps.db)
    const page = await read(t)
    expect(page.thread).toMatchObject({ title: 'Changed in SQL', closed: true })
    expect(page.comments.map((c) => c.html)).toEqual(['<p>Rewritten in SQL.</p>'])
    await sql`update comments set status = 'rejected' where id = ${commentId}`.execute(t.deps.db)
    expect((await read(t)).comments).toEqual([])
  })
})
