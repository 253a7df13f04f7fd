// The embed snippet's promises (README, "Embed"): the service may live under a path prefix, the
// widget never sends or receives cookies, data-theme=auto follows the reader, data-parley-site
// counts another site's thread, and a reader's edit tokens are kept 30 days.
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addSite } from '../../src/sites/site.service.js'
import { skipWithoutChromium } from '../helpers/browser.js'
import type { TestServer } from '../helpers/server.js'
import { fillForm, freshUri, newContext, seedComment, type Publisher, startWidgetStage, stopWidgetStage } from './fixtures.js'

const postButton = (page: Page) => page.getByRole('button', { name: 'Post Comment' })
const byAuthor = (page: Page, name: string) => page.getByRole('article', { name: `Comment by ${name}` })

/** A reverse proxy that serves the service under /comments/ (as https://example.com/comments/ would). */
async function startPrefixProxy(target: string): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const to = new URL(target)
  const paths: string[] = []
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '')
    if (!req.url?.startsWith('/comments/')) {
      res.writeHead(404).end('not under the prefix')
      return
    }
    const up = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url.slice('/comments'.length), headers: { ...req.headers, host: to.host } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      },
    )
    up.on('error', () => res.writeHead(502).end())
    // A client gone (a live stream cut) ends the request upstream too.
    res.on('close', () => up.destroy())
    req.pipe(up)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // The widget's live stream (GET /api/stream) stays open until it is cut.
        server.closeAllConnections()
      }),
  }
}

const page = (publisherUrl: string, uri: string, scriptSrc: string, extra = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Publisher page</title></head>
<body><h1>A publisher article</h1>${extra}
<div id="parley" data-site="demo" data-uri="${uri}"></div>
<script src="${scriptSrc}" async></script></body></html>`

describe.skipIf(skipWithoutChromium)('the embed snippet', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  let context: BrowserContext

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage())
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))
  beforeEach(async () => {
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, maxDepth: 5, editWindowSeconds: 900 })
    await context?.close()
    context = await newContext(browser)
  })

  it('works under a path prefix: every request goes to the prefix the script was loaded from', async () => {
    const proxy = await startPrefixProxy(server.url)
    try {
      const uri = freshUri('prefix')
      await seedComment(server, { uri, name: 'Prefixed Reader', body: 'Seen through the prefix.' })
      const requests: string[] = []
      context.on('request', (r) => void requests.push(r.url()))
      const p = await publisher.open(context, uri, {}, page(publisher.url, uri, `${proxy.url}/comments/embed.js`))
      await byAuthor(p, 'Prefixed Reader').waitFor()
      await fillForm(p, { body: 'Posted through the prefix.', name: 'Prefix Poster', email: 'prefix@example.org' })
      await postButton(p).click()
      await byAuthor(p, 'Prefix Poster').waitFor()
      const api = requests.filter((u) => u.includes('/api/'))
      expect(api.some((u) => u.includes('/api/comments?'))).toBe(true)
      for (const u of api) expect(u.startsWith(`${proxy.url}/comments/api/`), u).toBe(true)
      // The proxy saw the reads and the post under its prefix, and nothing outside it.
      expect(proxy.paths.some((x) => x.startsWith('/comments/api/comments?'))).toBe(true)
      expect(proxy.paths.some((x) => x.startsWith('/comments/api/stream?'))).toBe(true)
      expect(proxy.paths.filter((x) => !x.startsWith('/comments/'))).toEqual([])
      const stored = await server.deps.db.selectFrom('comments').select('author_name').where('body_md', '=', 'Posted through the prefix.').execute()
      expect(stored).toEqual([{ author_name: 'Prefix Poster' }])
    } finally {
      await proxy.close()
    }
  })

  it('sends no cookies to the service and gets none back, though the browser holds one for its host', async () => {
    // Both listeners are 127.0.0.1 (cookies ignore ports): a credentialed request would carry it.
    await context.addCookies([{ name: 'tracker', value: 'reader-42', domain: '127.0.0.1', path: '/' }])
    const uri = freshUri('cookies')
    const toService: { url: string; cookie: string | undefined }[] = []
    const setCookies: string[] = []
    const pending: Promise<unknown>[] = []
    context.on('request', (r) => {
      if (r.url().startsWith(server.url)) pending.push(r.allHeaders().then((h) => toService.push({ url: r.url(), cookie: h['cookie'] })))
    })
    context.on('response', (r) => {
      if (r.url().startsWith(server.url)) pending.push(r.allHeaders().then((h) => h['set-cookie'] && setCookies.push(r.url())))
    })
    const opened = await publisher.open(context, uri)
    await postButton(opened).waitFor()
    await fillForm(opened, { body: 'No cookies, please.', name: 'Cookie Tester', email: 'cookies@example.org' })
    await postButton(opened).click()
    await byAuthor(opened, 'Cookie Tester').waitFor()
    await opened.waitForLoadState('networkidle')
    await Promise.all(pending)
    // The publisher page itself does get the cookie: the browser really holds one for this host.
    expect(await opened.evaluate(() => document.cookie)).toContain('tracker=reader-42')
    const api = toService.filter((x) => x.url.includes('/api/'))
    expect(api.some((x) => x.url.includes('/api/comments'))).toBe(true)
    expect(api.filter((x) => x.cookie !== undefined)).toEqual([])
    expect(setCookies).toEqual([])
  })

  it('data-theme=auto follows the reader’s colour scheme, light and dark', async () => {
    const uri = freshUri('auto')
    const colours = (p: Page) =>
      p.evaluate(() => {
        const host = document.querySelector('#parley')!
        return { bg: getComputedStyle(host).backgroundColor, text: getComputedStyle(host).color }
      })
    const seen: Record<string, { bg: string; text: string }> = {}
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await newContext(browser, { colorScheme: scheme })
      const p = await publisher.open(ctx, uri, { 'data-theme': 'auto' })
      await postButton(p).waitFor()
      seen[scheme] = await colours(p)
      // The same page with the theme pinned to the scheme's own palette draws the same colours.
      const pinned = await publisher.open(ctx, uri, { 'data-theme': scheme })
      await postButton(pinned).waitFor()
      expect(await colours(pinned), scheme).toEqual(seen[scheme])
      await ctx.close()
    }
    expect(seen.dark).toEqual({ bg: 'rgb(23, 24, 26)', text: 'rgb(236, 236, 236)' })
    expect(seen.light).not.toEqual(seen.dark)
  })

  it('data-parley-site counts a thread of another site; without it, the page’s own site', async () => {
    const other = `other${Date.now().toString(36)}`
    await addSite(server.deps.db, { id: other, origins: [publisher.url], settings: { moderationMode: 'post', floodSeconds: 0 } }, new Date())
    const uri = freshUri('counted')
    await seedComment(server, { site: other, uri })
    await seedComment(server, { site: other, uri })
    await seedComment(server, { uri })
    const extra = `<p><span class="mine" data-parley-count="${uri}"></span> · <span class="theirs" data-parley-count="${uri}" data-parley-site="${other}"></span></p>`
    const p = await publisher.open(context, freshUri('counts-page'), {}, page(publisher.url, '/elsewhere', `${server.url}/embed.js`, extra))
    await p.waitForFunction(() => [...document.querySelectorAll('[data-parley-count]')].every((e) => e.textContent))
    expect(await p.locator('.mine').textContent()).toBe('1 comment')
    expect(await p.locator('.theirs').textContent()).toBe('2 comments')
  })

  it('keeps a reader’s edit token 30 days: a held comment shows to its author until then, and not after', async () => {
    await server.setDemoSettings({ moderationMode: 'pre' })
    const uri = freshUri('tokens')
    const p = await publisher.open(context, uri)
    await postButton(p).waitFor()
    await fillForm(p, { body: 'Held, and mine to see.', name: 'Token Keeper', email: 'tokens@example.org' })
    await postButton(p).click()
    await byAuthor(p, 'Token Keeper').waitFor()
    const key = 'parley:tokens:demo'
    const age = (days: number) =>
      p.evaluate(
        ([key, days]) => {
          const m = JSON.parse(localStorage.getItem(key as string)!) as Record<string, { c: number }>
          for (const id of Object.keys(m)) m[id]!.c = Date.now() - (days as number) * 86_400_000
          localStorage.setItem(key as string, JSON.stringify(m))
        },
        [key, days] as const,
      )
    // 29 days on: still there after a reload, marked as awaiting moderation.
    await age(29)
    await p.reload()
    await byAuthor(p, 'Token Keeper').waitFor()
    await expect(byAuthor(p, 'Token Keeper').textContent()).resolves.toMatch(/awaiting moderation/i)
    // 31 days on: forgotten — the held comment is no longer shown, and the token is dropped.
    await age(31)
    await p.reload()
    await postButton(p).waitFor()
    await p.waitForLoadState('networkidle')
    expect(await byAuthor(p, 'Token Keeper').count()).toBe(0)
  })
})
