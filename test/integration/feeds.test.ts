import { SaxesParser } from 'saxes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, PUBLIC_URL, type TestContext } from '../helpers/app.js'

// Atom feeds (issue 15 item 8): /feed/<site>.atom and /feed/<site>/thread.atom?uri=.

interface Node {
  name: string
  attrs: Record<string, string>
  text: string
  children: Node[]
}

/** Parses with a real XML parser (throws on anything not well-formed) into a small tree. */
function parseXml(xml: string): Node {
  const parser = new SaxesParser({ xmlns: true })
  const root: Node = { name: '#root', attrs: {}, text: '', children: [] }
  const stack = [root]
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {}
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = typeof v === 'string' ? v : v.value
    const node: Node = { name: `${tag.uri}|${tag.local}`, attrs, text: '', children: [] }
    stack[stack.length - 1]!.children.push(node)
    stack.push(node)
  })
  parser.on('text', (t) => (stack[stack.length - 1]!.text += t))
  parser.on('closetag', () => stack.pop())
  parser.write(xml).close()
  return root.children[0]!
}
const ATOM = 'http://www.w3.org/2005/Atom|'
const kids = (n: Node, name: string) => n.children.filter((c) => c.name === ATOM + name)
const kid = (n: Node, name: string) => kids(n, name)[0]

let t: TestContext
const ids: string[] = []
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  const posts = [
    { uri: '/feeds/a', title: 'Article <A> & "more"', body: 'First **bold** <script>alert(1)</script> & more', email: 'feed.secret.one@example.org', url: 'https://author.example/me' },
    { uri: '/feeds/a', body: 'Second', email: 'feed.secret.two@example.org' },
    { uri: '/feeds/b', title: 'Article B', body: 'On another article', email: 'feed.secret.three@example.org' },
    { uri: '/feeds/a', body: 'Rejected later', email: 'feed.secret.four@example.org' },
  ]
  for (const p of posts) {
    t.clock.advanceSeconds(10)
    const res = await t.request('POST', '/api/comments', { json: newComment(p) })
    ids.push(((await res.json()) as any).comment.id)
  }
  await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [ids[3]!], action: 'reject', actor: null }))
  const site = await getSite(t.deps.db, 'news')
  await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, moderationMode: 'pre' })
  t.clock.advanceSeconds(10)
  await t.request('POST', '/api/comments', { json: newComment({ uri: '/feeds/a', body: 'Held one', email: 'feed.secret.five@example.org' }) })
})
afterAll(() => t.close())

describe('GET /feed/<site>.atom', () => {
  it('is Atom 1.0 of the site’s latest published comments, newest first, with safe HTML and no email', async () => {
    const res = await t.request('GET', '/feed/news.atom')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    const xml = await res.text()
    const feed = parseXml(xml)
    expect(feed.name).toBe(ATOM + 'feed')
    expect(kid(feed, 'title')!.text).toBe('Comments on News Example')
    expect(kids(feed, 'link').map((l) => l.attrs)).toEqual([
      { rel: 'self', type: 'application/atom+xml', href: `${PUBLIC_URL}/feed/news.atom` },
      { rel: 'alternate', type: 'text/html', href: NEWS_ORIGIN },
    ])
    const entries = kids(feed, 'entry')
    // Published only (not the rejected one, not the held one), newest first, across threads.
    expect(entries.map((e) => kid(e, 'id')!.text.split(':').pop())).toEqual([ids[2], ids[1], ids[0]])
    const first = entries[2]!
    expect(kid(first, 'title')!.text).toMatch(/ on Article <A> & "more"$/)
    expect(kid(kid(first, 'author')!, 'uri')!.text).toBe('https://author.example/me')
    expect(kid(first, 'link')!.attrs.href).toBe(`${NEWS_ORIGIN}/feeds/a#comment-${ids[0]}`)
    const content = kid(first, 'content')!
    expect(content.attrs.type).toBe('html')
    // The published (sanitised) HTML, escaped as text: no script survives.
    expect(content.text).toContain('<strong>bold</strong>')
    expect(content.text).not.toMatch(/<script/i)
    expect(kid(feed, 'updated')!.text).toBe(kid(entries[0]!, 'updated')!.text)
    for (const e of ['feed.secret', 'example.org"', '@example.org']) expect(xml).not.toContain(e)
  })

  it('answers ETag and 304, and a new comment changes the ETag', async () => {
    const res = await t.request('GET', '/feed/news.atom')
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    const again = await t.request('GET', '/feed/news.atom', { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [ids[3]!], action: 'approve', actor: null }))
    const changed = await t.request('GET', '/feed/news.atom', { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [ids[3]!], action: 'reject', actor: null }))
  })

  it('404 for an unknown site or a bad name', async () => {
    expect((await t.request('GET', '/feed/nosuch.atom')).status).toBe(404)
    expect((await t.request('GET', '/feed/news.rss')).status).toBe(404)
    expect((await t.request('GET', '/feed/NEWS!.atom')).status).toBe(404)
  })
})

describe('GET /feed/<site>/thread.atom?uri=', () => {
  it('is one thread’s published comments, with the thread’s title and page', async () => {
    const res = await t.request('GET', `/feed/news/thread.atom?uri=${encodeURIComponent('/feeds/a/')}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    const feed = parseXml(await res.text())
    expect(kid(feed, 'title')!.text).toBe('Comments on Article <A> & "more"')
    expect(kids(feed, 'link').map((l) => l.attrs.href)).toEqual([`${PUBLIC_URL}/feed/news/thread.atom?uri=%2Ffeeds%2Fa`, `${NEWS_ORIGIN}/feeds/a`])
    expect(kids(feed, 'entry').map((e) => kid(e, 'id')!.text.split(':').pop())).toEqual([ids[1], ids[0]])
    const etag = res.headers.get('etag')!
    expect((await t.request('GET', '/feed/news/thread.atom?uri=/feeds/a', { headers: { 'if-none-match': etag } })).status).toBe(304)
  })

  it('an unknown thread is an empty feed; a missing or bad uri is 400; an unknown site 404', async () => {
    const empty = parseXml(await (await t.request('GET', '/feed/news/thread.atom?uri=/nothing-here')).text())
    expect(kids(empty, 'entry')).toEqual([])
    expect((await t.request('GET', '/feed/news/thread.atom')).status).toBe(400)
    expect((await t.request('GET', '/feed/news/thread.atom?uri=nope')).status).toBe(400)
    expect((await t.request('GET', '/feed/nosuch/thread.atom?uri=/a')).status).toBe(404)
  })
})
