import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedModeratorSession } from '../helpers/seed.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, NEWS_ORIGIN, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'

// CORS for the public API (src/http/cors.ts), fast: one app and one database for the file.
// What a publisher or an attacker would notice: a page on one site's origin reading or writing
// another site's comments, a stranger's page granted a read, the widget unable to read an error.

const BLOG_ORIGIN = 'https://blog.example'
const EVIL = 'https://evil.example'
let t: TestContext

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  await addSite(t.deps.db, { id: 'blog', name: 'The Blog', origins: [BLOG_ORIGIN], settings: { moderationMode: 'post', floodSeconds: 0 } }, t.clock.now())
})
afterAll(() => t.close())

const get = (path: string, headers: Record<string, string> = {}) => t.request('GET', path, { headers })
const blogComments = () => t.deps.db.selectFrom('comments').select('id').where('site_id', '=', 'blog').execute()

describe('a site’s page', () => {
  it('reads its own site, and only its origin is granted (with ETag and Retry-After readable)', async () => {
    const res = await get('/api/config?site=blog', { origin: BLOG_ORIGIN })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(BLOG_ORIGIN)
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag, Retry-After')
    expect(res.headers.get('vary')).toBe('Origin')
  })

  it('cannot read or post on another site: 403 naming the origin, nothing stored', async () => {
    const read = await get('/api/comments?site=blog&uri=/a-post', { origin: NEWS_ORIGIN })
    expect(read.status).toBe(403)
    expect((await read.json()).error).toEqual({ code: 'forbidden', message: `This site does not accept comments from ${NEWS_ORIGIN}.` })
    const post = await t.request('POST', '/api/comments', { json: newComment({ site: 'blog', uri: '/a-post' }), headers: { origin: NEWS_ORIGIN } })
    expect(post.status).toBe(403)
    expect(await blogComments()).toEqual([])
  })

  it('a stranger’s page, an opaque origin ("null": a sandboxed frame, a file) and garbage are refused', async () => {
    for (const origin of [EVIL, 'null', 'not an origin']) {
      const res = await get('/api/config?site=blog', { origin })
      expect(res.status, origin).toBe(403)
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull()
      const post = await t.request('POST', '/api/comments', { json: newComment({ site: 'blog', uri: '/a-post' }), headers: { origin } })
      expect(post.status, origin).toBe(403)
    }
    expect(await blogComments()).toEqual([])
  })

  it('the title a site’s own page sends outranks one from a request without an origin', async () => {
    const uri = '/2026/titled'
    const read = async (title: string, headers: Record<string, string> = {}) => {
      expect((await get(`/api/comments?site=blog&uri=${uri}&title=${encodeURIComponent(title)}`, headers)).status).toBe(200)
      t.clock.advance(3_600_000) // past the thread cache
    }
    await read('Sent by anyone')
    await read('The page’s title', { origin: BLOG_ORIGIN })
    await read('Sent by anyone again')
    const thread = await t.deps.db.selectFrom('threads').select(['title', 'title_source']).where('site_id', '=', 'blog').where('uri', '=', uri).executeTakeFirstOrThrow()
    expect(thread).toEqual({ title: 'The page’s title', title_source: 'page' })
  })
})

describe('same-origin and non-browser requests', () => {
  it('need no grant and get none: no Origin, Parley’s own origin, the host the request came to', async () => {
    for (const [url, headers] of <[string, Record<string, string>][]>[
      ['/api/config?site=blog', {}],
      ['/api/config?site=blog', { origin: PUBLIC_URL, host: 'internal:8080' }],
      ['http://comments.example/api/config?site=blog', { origin: 'http://comments.example', host: 'comments.example' }],
    ]) {
      const res = await t.app.request(url, { headers: { ...headers, 'x-test-ip': '192.0.2.20' } })
      expect(res.status, JSON.stringify(headers)).toBe(200)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    }
  })
})

describe('preflight (OPTIONS)', () => {
  const preflight = (origin?: string) =>
    t.request('OPTIONS', '/api/comments', { headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST' } })

  it('an origin some site lists may ask (the site is not known yet): 204 with the methods and headers allowed', async () => {
    const res = await preflight(BLOG_ORIGIN)
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(BLOG_ORIGIN)
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE, OPTIONS')
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type, Authorization, If-None-Match, X-Parley-Voter, Last-Event-ID')
    expect(res.headers.get('access-control-max-age')).toBe('600')
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag, Retry-After')
    expect(res.headers.get('vary')).toBe('Origin')
  })

  it('an origin no site lists: 403 and no grant; no origin at all: a plain 204', async () => {
    const evil = await preflight(EVIL)
    expect(evil.status).toBe(403)
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    expect(evil.headers.get('access-control-allow-methods')).toBeNull()
    const none = await preflight()
    expect(none.status).toBe(204)
    expect(none.headers.get('access-control-allow-origin')).toBeNull()
    expect(none.headers.get('access-control-allow-methods')).toBeNull()
  })
})

describe('errors', () => {
  it('an error raised before the site is known is readable by an origin some site lists', async () => {
    for (const [path, status] of <[string, number][]>[
      ['/api/comments?site=no-such-site&uri=/x', 404],
      ['/api/comments?site=blog', 400],
    ]) {
      const res = await get(path, { origin: BLOG_ORIGIN })
      expect(res.status, path).toBe(status)
      expect(res.headers.get('access-control-allow-origin'), path).toBe(BLOG_ORIGIN)
      expect(res.headers.get('access-control-expose-headers'), path).toBe('ETag, Retry-After')
      expect(res.headers.get('vary'), path).toBe('Origin')
    }
  })

  it('… and not by a stranger', async () => {
    const res = await get('/api/comments?site=no-such-site&uri=/x', { origin: EVIL })
    expect(res.status).toBe(404)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('a listed origin is not granted a successful answer that is not its site’s (the moderation queue)', async () => {
    const cookie = await seedModeratorSession(t.deps)
    const res = await get('/api/mod/queue', { origin: BLOG_ORIGIN, cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})
