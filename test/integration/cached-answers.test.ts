// Issue 13, round 3 (docs/perf.md): counts kept like the thread pages, and fresh cached pages and
// counts answered in front of the app on Node (src/comments/cached-answers.ts,
// src/http/near-wire.node.ts) — the same answers as the app's, THREAD_CACHE_SECONDS at most old.
import { serve, type ServerType } from '@hono/node-server'
import { IncomingMessage, request as httpRequest, ServerResponse, type Server } from 'node:http'
import { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../src/app.js'
import { ThreadPageCache } from '../../src/comments/thread-cache.js'
import { serveApp } from '../../src/http/near-wire.node.js'
import { drainHttpServer, trackInFlight } from '../../src/http/shutdown.node.js'
import { SESSION_COOKIE } from '../../src/auth/session.js'
import { getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, NEWS_ORIGIN, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

/** Counts the statements an app sends. */
class Counter implements KyselyPlugin {
  n = 0
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.n++
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

let t: TestContext
let admin: SignedIn
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  admin = await signIn(t)
})
afterAll(() => t.close())

const servers: ServerType[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))))
})

const countsUrl = (uris: string[]) => `/api/counts?site=news&${uris.map((u) => `uri=${encodeURIComponent(u)}`).join('&')}`
const readUrl = (uri: string) => `/api/comments?site=news&uri=${encodeURIComponent(uri)}`
const post = async (uri: string, app: App = t.app, body?: string) => {
  const res = await app.request('/api/comments', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': '198.51.100.7' }, body: JSON.stringify(newComment({ uri, ...(body ? { body } : {}) })) })
  expect(res.status).toBe(201)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}
/** An app instance of its own (its own cache) on the test database, its statements counted. */
const instance = () => {
  const counter = new Counter()
  const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(counter), threadCache: new ThreadPageCache(1000) })
  return { app, counter }
}
const countsOf = async (app: App, uris: string[]) => {
  const res = await app.request(countsUrl(uris))
  expect(res.status).toBe(200)
  return ((await res.json()) as { counts: { uri: string; count: number }[] }).counts.map((c) => c.count)
}

describe('counts from memory', () => {
  it('answers counts without a statement while they are fresh, and with one query for all the requests that find them stale', async () => {
    await post('/kept-a')
    const { app, counter } = instance()
    const uris = ['/kept-a', '/kept-b']
    expect(await countsOf(app, uris)).toEqual([1, 0])
    expect(counter.n).toBe(1)
    expect(await countsOf(app, uris)).toEqual([1, 0])
    t.clock.advance(999)
    expect(await countsOf(app, uris)).toEqual([1, 0])
    expect(counter.n).toBe(1)
    t.clock.advance(1)
    const answers = await Promise.all(Array.from({ length: 20 }, () => countsOf(app, uris)))
    for (const a of answers) expect(a).toEqual([1, 0])
    expect(counter.n).toBe(2)
    // Another list of uris is its own answer; an unknown site is still 404, every time.
    expect(await countsOf(app, ['/kept-b'])).toEqual([0])
    expect(counter.n).toBe(3)
    for (let i = 0; i < 2; i++) expect((await app.request('/api/counts?site=nope&uri=/a')).status).toBe(404)
  })

  it('shows a post through this instance at once, and one through another instance within THREAD_CACHE_SECONDS', async () => {
    const a = instance()
    const b = instance()
    const uris = ['/seen-a']
    expect(await countsOf(a.app, uris)).toEqual([0])
    await post('/seen-a', a.app)
    expect(await countsOf(a.app, uris)).toEqual([1])
    await post('/seen-a', b.app)
    // Within the window A may still say 1 (what THREAD_CACHE_SECONDS allows); past it, never.
    t.clock.advanceSeconds(1)
    expect(await countsOf(a.app, uris)).toEqual([2])
  })

  it('THREAD_CACHE_SECONDS=0: every counts request asks the database', async () => {
    const counter = new Counter()
    const app = createApp({ ...t.deps, db: t.deps.db.withPlugin(counter), threadCache: new ThreadPageCache(0) })
    await countsOf(app, ['/zero'])
    await countsOf(app, ['/zero'])
    expect(counter.n).toBe(2)
  })
})

interface Raw { status: number; headers: Record<string, string>; body: Buffer }
/** A GET over a real socket, the body as sent (not decompressed). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host: 'parley.test', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const h: Record<string, string> = {}
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!.toLowerCase()
          if (name !== 'date') h[name] = h[name] === undefined ? res.rawHeaders[i + 1]! : `${h[name]}, ${res.rawHeaders[i + 1]}`
        }
        resolve({ status: res.statusCode!, headers: h, body: Buffer.concat(chunks) })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

async function listen(server: ServerType): Promise<number> {
  servers.push(server)
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())))
  return (server.address() as AddressInfo).port
}

/** One app behind two listeners: `near` as `npm start` serves, `plain` the app alone; `answered` counts the answers made near the wire. */
async function twoListeners() {
  const { app, counter } = instance()
  const near = { answered: 0 }
  const answer = app.cachedAnswer
  app.cachedAnswer = (req) => {
    const a = answer(req)
    if (a) near.answered++
    return a
  }
  const nearServer = serveApp(() => app, { port: 0, hostname: '127.0.0.1' })
  const nearPort = await listen(nearServer)
  const plainPort = await listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }))
  return { app, counter, near, nearServer, nearPort, plainPort }
}

describe('answers near the wire (Node)', () => {
  it('answers a fresh page and fresh counts in front of the app with the app’s own status, headers and bytes', async () => {
    const uri = '/wire-same'
    for (let i = 0; i < 3; i++) await post(uri, t.app, `Comment ${i}: ${'long enough to be served gzipped. '.repeat(20)}`)
    const s = await twoListeners()
    const read = readUrl(uri)
    const counts = countsUrl([uri, '/wire-none'])
    const first = await get(s.plainPort, read)
    expect(first.status).toBe(200)
    const etag = first.headers.etag!
    // Fill the gzip and the counts through the app.
    await get(s.plainPort, read, { 'accept-encoding': 'gzip, deflate' })
    await get(s.plainPort, counts)
    const variants: Record<string, string>[] = [
      {},
      { 'accept-encoding': 'gzip, deflate' },
      { origin: NEWS_ORIGIN },
      { origin: NEWS_ORIGIN, 'accept-encoding': 'gzip' },
      { origin: 'http://parley.test' },
      { 'if-none-match': etag },
      { 'if-none-match': `"other", ${etag}`, origin: NEWS_ORIGIN },
      { 'if-none-match': '"other"' },
      { cookie: 'theme=dark' },
    ]
    for (const path of [read, counts]) {
      for (const headers of variants) {
        const before = s.near.answered
        const plain = await get(s.plainPort, path, headers)
        const near = await get(s.nearPort, path, headers)
        expect(s.near.answered, `${path} ${JSON.stringify(headers)}`).toBe(before + 1)
        expect(near.status).toBe(plain.status)
        expect(near.headers).toEqual(plain.headers)
        expect(near.body.equals(plain.body)).toBe(true)
      }
    }
    // Answered from memory: only the first page read and the counts asked the database.
    expect(s.counter.n).toBe(2)
    // The gzipped body is the page.
    const gz = await get(s.nearPort, read, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect((await import('node:zlib')).gunzipSync(gz.body).equals(first.body)).toBe(true)
  })

  it('leaves to the app what it must decide itself: other origins, tokens, voters, sessions, stale pages', async () => {
    const uri = '/wire-app'
    await post(uri)
    const s = await twoListeners()
    const read = readUrl(uri)
    expect((await get(s.nearPort, read)).status).toBe(200)
    expect((await get(s.nearPort, read)).status).toBe(200)
    expect(s.near.answered).toBe(1)
    const cases: [Record<string, string>, number][] = [
      [{ origin: 'https://stranger.example' }, 403],
      [{ origin: 'null' }, 403],
      [{ authorization: 'Bearer abcdefghijklmnopqrstuvwxyz' }, 200],
      [{ 'x-parley-voter': 'voter-token-0123456789' }, 200],
      [{ cookie: `${SESSION_COOKIE}=${admin.cookie.split('=')[1]!.split(';')[0]}` }, 200],
    ]
    for (const [headers, status] of cases) {
      const near = await get(s.nearPort, read, headers)
      const plain = await get(s.plainPort, read, headers)
      expect(near.status, JSON.stringify(headers)).toBe(status)
      expect(near.headers).toEqual(plain.headers)
    }
    expect(s.near.answered).toBe(1)
    // A URL the app never answered, and a page past THREAD_CACHE_SECONDS: the app.
    expect((await get(s.nearPort, `${read}&limit=10`)).status).toBe(200)
    t.clock.advanceSeconds(1)
    expect((await get(s.nearPort, read)).status).toBe(200)
    expect(s.near.answered).toBe(1)
  })

  it('never shows a removed comment more than THREAD_CACHE_SECONDS after a moderator removed it, through this server or another', async () => {
    const uri = '/wire-removed'
    const kept = await post(uri)
    const removedHere = await post(uri)
    const removedThere = await post(uri)
    const s = await twoListeners()
    const ids = async () => {
      const res = await get(s.nearPort, readUrl(uri))
      expect(res.status).toBe(200)
      return (JSON.parse(res.body.toString()) as { comments: { id: string }[] }).comments.map((c) => c.id)
    }
    expect(await ids()).toEqual([kept, removedHere, removedThere])
    expect(await ids()).toEqual([kept, removedHere, removedThere])
    expect(s.near.answered).toBe(1)
    // Through this instance: gone at once.
    const act = (app: App, id: string) =>
      app.request(`/api/mod/comments/${id}/actions`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'reject' }) })
    expect((await act(s.app, removedHere)).status).toBe(200)
    expect(await ids()).toEqual([kept, removedThere])
    // Through another instance on the same database: gone once THREAD_CACHE_SECONDS has passed.
    expect((await act(instance().app, removedThere)).status).toBe(200)
    t.clock.advance(999)
    await ids()
    t.clock.advance(1)
    expect(await ids()).toEqual([kept])
    expect(await ids()).toEqual([kept])
  })

  it('answers counts near the wire only while fresh: a post through this server shows at once, through another within THREAD_CACHE_SECONDS', async () => {
    const uri = '/wire-counted'
    const s = await twoListeners()
    const count = async () => (JSON.parse((await get(s.nearPort, countsUrl([uri]))).body.toString()) as { counts: { count: number }[] }).counts[0]!.count
    expect(await count()).toBe(0)
    expect(await count()).toBe(0)
    expect(s.near.answered).toBe(1)
    await post(uri, s.app)
    expect(await count()).toBe(1)
    await post(uri, instance().app)
    t.clock.advance(999)
    await count()
    t.clock.advance(1)
    expect(await count()).toBe(2)
    expect(s.near.answered).toBe(2)
  })

  it('says Connection: close on what it answers while the server drains (SIGTERM), like the app', async () => {
    const s = await twoListeners()
    trackInFlight(s.nearServer as Server)
    const url = countsUrl(['/wire-drain'])
    expect((await get(s.nearPort, url)).status).toBe(200)
    const draining = drainHttpServer(s.nearServer as Server, { capMs: 1000 })
    // A request that arrives on a kept-alive connection once the drain began.
    const req = new IncomingMessage(new Socket())
    Object.assign(req, { method: 'GET', url, headers: { host: 'parley.test' } })
    const res = new ServerResponse(req)
    expect(() => s.nearServer.emit('request', req, res)).not.toThrow()
    expect(s.near.answered).toBe(1)
    expect(res.getHeader('connection')).toBe('close')
    await draining
  })

  it('does not answer a page that closeAfterDays closed since it was cached', async () => {
    const uri = '/wire-closing'
    await post(uri)
    const stored = (await getSite(t.deps.db, 'news'))!.storedSettings
    await setSiteSettings(t.deps.db, 'news', { ...stored, closeAfterDays: 1 })
    try {
      const s = await twoListeners()
      t.clock.advance(86_400_000 - 500)
      const closed = async () => (JSON.parse((await get(s.nearPort, readUrl(uri))).body.toString()) as { thread: { closed: boolean } }).thread.closed
      expect(await closed()).toBe(false)
      expect(await closed()).toBe(false)
      expect(s.near.answered).toBe(1)
      // Still within THREAD_CACHE_SECONDS of the read, but past the thread's closing time.
      t.clock.advance(600)
      expect(await closed()).toBe(true)
    } finally {
      await setSiteSettings(t.deps.db, 'news', stored)
    }
  })
})

describe('bounds', () => {
  it('keeps counts and noted URLs within a quarter of the cache’s bytes each, dropping the oldest', async () => {
    const cache = new ThreadPageCache(1000, 40_000)
    const site = (await getSite(t.deps.db, 'news'))!
    const url = (i: number) => `/api/counts?site=news&uri=/${String(i).padStart(200, '0')}`
    for (let i = 0; i < 40; i++) {
      cache.wire(url(i), { kind: 'counts', key: `news\u0000/${i}` })
      await cache.refreshCounts(`news\u0000/${i}`, async () => ({ site, checkedAt: 0, body: new Uint8Array(400) }))
    }
    // 40 × ~500 bytes of URL and 40 × ~400 bytes of counts: past 10,000 bytes each, the first ones went.
    expect(cache.wiredTo(url(0))).toBeUndefined()
    expect(cache.getCounts('news\u0000/0')).toBeUndefined()
    expect(cache.wiredTo(url(39))).toEqual({ kind: 'counts', key: 'news\u0000/39' })
    expect(cache.getCounts('news\u0000/39')).toBeDefined()
  })
})
