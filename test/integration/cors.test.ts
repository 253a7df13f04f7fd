import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite, getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, NEWS_ORIGIN, newComment, type TestContext } from '../helpers/app.js'

// Each site lists the origins its pages live on. An origin listed by one site (news) is a
// stranger to every other site (blog): a page on news.example must not read blog's threads,
// post or edit there, or even learn blog's configuration.

const BLOG_ORIGIN = 'https://blog.example'
const URI = '/2026/11/blog-post'

let t: TestContext
let blogComment: { id: string; editToken: string }

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  await addSite(t.deps.db, { id: 'blog', name: 'The Blog', origins: [BLOG_ORIGIN], settings: { moderationMode: 'post', floodSeconds: 0 } }, t.clock.now())
  const res = await t.request('POST', '/api/comments', { json: newComment({ site: 'blog', uri: URI, body: 'A blog comment.' }), headers: { origin: BLOG_ORIGIN } })
  expect(res.status).toBe(201)
  const body = await res.json()
  blogComment = { id: body.comment.id, editToken: body.editToken }
})
afterAll(() => t.close())

const from = (origin: string) => ({ origin })
const commentsOfBlog = async () =>
  (await t.deps.db.selectFrom('comments').select(['id', 'body_md', 'status', 'open_reports']).where('site_id', '=', 'blog').orderBy('created_at').execute()).map((r) => ({ ...r }))

describe("a site's origin is refused on another site (403, no CORS grant for it)", () => {
  const requests: [string, string, { json?: unknown; auth?: boolean }][] = [
    ['GET', `/api/comments?site=blog&uri=${URI}`, {}],
    ['GET', `/api/counts?site=blog&uri=${URI}`, {}],
    ['GET', '/api/config?site=blog', {}],
    ['POST', '/api/comments', { json: newComment({ site: 'blog', uri: URI, body: 'Posted from the news site.' }) }],
    ['PATCH', '/api/comments/:id', { json: { body: 'Edited from the news site.' }, auth: true }],
    ['POST', '/api/comments/:id/report', { json: { reason: 'spam' } }],
    ['DELETE', '/api/comments/:id', { auth: true }],
  ]
  for (const [method, path, o] of requests) {
    it(`${method} ${path.split('?')[0]}`, async () => {
      const before = await commentsOfBlog()
      const res = await t.request(method, path.replace(':id', blogComment.id), {
        ...(o.json !== undefined ? { json: o.json } : {}),
        headers: { ...from(NEWS_ORIGIN), ...(o.auth ? { authorization: `Bearer ${blogComment.editToken}` } : {}) },
      })
      expect(res.status).toBe(403)
      const body = await res.json()
      expect(body.error.code).toBe('forbidden')
      expect(body.error.message).toContain(NEWS_ORIGIN)
      expect(JSON.stringify(body)).not.toContain('A blog comment.')
      // Nothing stored changed.
      expect(await commentsOfBlog()).toEqual(before)
    })
  }

  it('the same requests from the site’s own origin work, granted to that origin only', async () => {
    const read = await t.request('GET', `/api/comments?site=blog&uri=${URI}`, { headers: from(BLOG_ORIGIN) })
    expect(read.status).toBe(200)
    expect(read.headers.get('access-control-allow-origin')).toBe(BLOG_ORIGIN)
    expect(read.headers.get('vary')).toMatch(/Origin/)
    expect((await read.json()).comments.map((c: { id: string }) => c.id)).toEqual([blogComment.id])
    for (const path of [`/api/counts?site=blog&uri=${URI}`, '/api/config?site=blog']) {
      const res = await t.request('GET', path, { headers: from(BLOG_ORIGIN) })
      expect(res.status, path).toBe(200)
      expect(res.headers.get('access-control-allow-origin'), path).toBe(BLOG_ORIGIN)
    }
    const edit = await t.request('PATCH', `/api/comments/${blogComment.id}`, {
      json: { body: 'Edited at home.' },
      headers: { ...from(BLOG_ORIGIN), authorization: `Bearer ${blogComment.editToken}` },
    })
    expect(edit.status).toBe(200)
    expect(edit.headers.get('access-control-allow-origin')).toBe(BLOG_ORIGIN)
    const post = await t.request('POST', '/api/comments', { json: newComment({ site: 'blog', uri: URI }), headers: from(BLOG_ORIGIN) })
    expect(post.status).toBe(201)
    // And news's own origin still works on news.
    const news = await t.request('GET', '/api/config?site=news', { headers: from(NEWS_ORIGIN) })
    expect(news.status).toBe(200)
    expect(news.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
  })

  it('an origin no site lists gets no CORS grant at all, even on its error', async () => {
    const res = await t.request('GET', '/api/config?site=blog', { headers: from('https://evil.example') })
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const pre = await t.request('OPTIONS', '/api/comments', { headers: { ...from('https://evil.example'), 'access-control-request-method': 'POST' } })
    expect(pre.status).toBe(403)
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('a listed origin’s 429 exposes Retry-After, so the widget can say how long to wait', async () => {
    const blog = await getSite(t.deps.db, 'blog')
    await setSiteSettings(t.deps.db, 'blog', { ...blog!.storedSettings, floodSeconds: 30 })
    const ip = '192.0.2.201'
    expect((await t.request('POST', '/api/comments', { json: newComment({ site: 'blog', uri: URI }), headers: from(BLOG_ORIGIN), ip })).status).toBe(201)
    const again = await t.request('POST', '/api/comments', { json: newComment({ site: 'blog', uri: URI }), headers: from(BLOG_ORIGIN), ip })
    expect(again.status).toBe(429)
    expect(again.headers.get('retry-after')).toBe('30')
    expect(again.headers.get('access-control-allow-origin')).toBe(BLOG_ORIGIN)
    expect(again.headers.get('access-control-expose-headers')).toMatch(/Retry-After/i)
  })
})
