// Issue 15, items 3 and 4 in the widget: live new comments (stream, reconnect, the Workers poll
// fallback), edits and removals in place, and the Staff / Author badges.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createUser } from '../../src/auth/user.service.js'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { skipWithoutChromium } from '../helpers/browser.js'
import { sessionCookieFrom } from '../helpers/mod.js'
import type { TestServer } from '../helpers/server.js'
import { fillForm, freshUri, newContext, seedComment, type Publisher, startWidgetStage, stopWidgetStage } from './fixtures.js'

const SHOTS = 'test-results/screenshots'
const byAuthor = (page: Page, name: string) => page.getByRole('article', { name: `Comment by ${name}`, exact: true })
const newsButton = (page: Page, n: number) => page.getByRole('button', { name: n === 1 ? '1 new comment — show' : `${n} new comments — show`, exact: true })
const heading = (page: Page) => page.locator('#parley').locator('h2#count')
/** Where a comment's top edge is on screen (px from the viewport's top). */
const topOf = (page: Page, id: string) =>
  page.evaluate((id) => document.querySelector('#parley')!.shadowRoot!.getElementById(`comment-${id}`)!.firstElementChild!.getBoundingClientRect().top, id)
const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return el?.getAttribute('aria-label') ?? el?.textContent ?? ''
  })
/** Puts a comment's top edge `y` px below the viewport's top. */
const scrollCommentTo = (page: Page, id: string, y: number) =>
  page.evaluate(
    ([id, y]) => {
      const art = document.querySelector('#parley')!.shadowRoot!.getElementById(`comment-${id}`)!.firstElementChild!
      window.scrollBy(0, art.getBoundingClientRect().top - y)
    },
    [id, y] as const,
  )

/** A publisher page without the hostile test styles (for axe), following the reader's colour scheme. */
const plainPage = (server: TestServer, uri: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title></head>
<body><main><h1>An article</h1><div id="parley" data-site="demo" data-uri="${uri}" data-theme="auto"></div></main>
<script src="${server.url}/embed.js" async></script></body></html>`

/** Opens the thread and waits until its live stream is open (or answered 204). */
async function openLive(publisher: Publisher, context: BrowserContext, uri: string, attrs: Record<string, string> = {}, html?: string) {
  const streamed = context.waitForEvent('response', { predicate: (r) => r.url().includes('/api/stream?'), timeout: 20_000 })
  const page = await publisher.open(context, uri, attrs, html)
  await streamed
  return page
}

/** A moderator (admin of every site) signed in through the real login route; returns a JSON requester. */
async function moderator(server: TestServer, email: string, name = '') {
  const password = 'a-long-moderator-password'
  await createUser(server.deps.db, server.deps.passwords, { email, password, role: 'admin', sites: null }, new Date())
  // Their desk name, which their replies carry.
  if (name) await server.deps.db.updateTable('users').set({ name }).where('email', '=', email).execute()
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  expect(login.status).toBe(200)
  const cookie = sessionCookieFrom(login)
  return async (method: string, path: string, json: unknown) => {
    const res = await fetch(server.url + path, { method, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(json) })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as { comment: { id: string } }
  }
}

const SETTINGS = { moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, maxDepth: 5, editWindowSeconds: 900, defaultSort: 'oldest', formPosition: 'bottom' } as const

describe.skipIf(skipWithoutChromium)('live new comments in the widget (issue 15, item 3)', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  const contexts: BrowserContext[] = []
  const context = async (opts: Parameters<typeof newContext>[1] = {}) => {
    const c = await newContext(browser, opts)
    contexts.push(c)
    return c
  }

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage(SHOTS))
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))
  beforeEach(async () => {
    await server.setDemoSettings(SETTINGS)
    for (const c of contexts.splice(0)) await c.close()
  })

  it('a reply posted on page B waits on page A behind "1 new comment — show"; showing it keeps what A is reading where it is', { timeout: 120_000 }, async () => {
    const uri = freshUri('live')
    const first = await seedComment(server, { uri, name: 'Ann Top' })
    const ids = [first.id]
    for (let i = 0; i < 11; i++) ids.push((await seedComment(server, { uri, body: `Comment ${i} of a long thread.\n\nWith a second paragraph to read.` })).id)
    const a = await openLive(publisher, await context(), uri)
    await expect.poll(() => heading(a).textContent()).toBe('12 Comments')
    const b = await publisher.open(await context(), uri)
    await byAuthor(b, 'Ann Top').waitFor()

    // Without the browser's own scroll anchoring (Safari has none): the widget keeps the place itself.
    await a.addStyleTag({ content: 'html,body{overflow-anchor:none}' })
    // A reads the seventh comment, well below Ann's: her comment is above the screen.
    const reading = ids[6]!
    await scrollCommentTo(a, reading, 300)
    const before = await topOf(a, reading)
    expect(await topOf(a, first.id)).toBeLessThan(0)

    await b.getByRole('button', { name: 'Reply to Ann Top' }).click()
    await fillForm(b, { body: 'A live reply to Ann.', name: 'Bea Live', email: 'bea.live@example.org' })
    await b.getByRole('button', { name: 'Post Comment' }).click()
    await byAuthor(b, 'Bea Live').waitFor()

    await newsButton(a, 1).waitFor()
    // Announced, not inserted: nothing moved, the reply is not in the thread yet.
    expect(await byAuthor(a, 'Bea Live').count()).toBe(0)
    expect(Math.abs((await topOf(a, reading)) - before)).toBeLessThanOrEqual(1)
    await expect(a.locator('#parley').locator('.news').getAttribute('aria-live')).resolves.toBe('polite')
    // The button is on screen (held at the top of the thread) although the reader is far down it.
    const box = await newsButton(a, 1).boundingBox()
    expect(box!.y).toBeGreaterThanOrEqual(0)
    expect(box!.y).toBeLessThan(100)
    await a.screenshot({ path: `${SHOTS}/widget-live-new-light.png` })

    await newsButton(a, 1).click()
    await byAuthor(a, 'Bea Live').waitFor()
    // Inserted above the screen (under Ann's comment), yet what the reader was on did not move.
    expect(Math.abs((await topOf(a, reading)) - before)).toBeLessThanOrEqual(1)
    await expect(a.locator(`#comment-${first.id} > .kids`).getByRole('article', { name: 'Comment by Bea Live' }).count()).resolves.toBe(1)
    await expect(newsButton(a, 1).count()).resolves.toBe(0)
    await expect.poll(() => heading(a).textContent()).toBe('13 Comments')
    await expect.poll(() => focusedLabel(a)).toBe('Comment by Bea Live')
    await a.screenshot({ path: `${SHOTS}/widget-live-shown-light.png` })
  })

  it('counts several new comments ("2 new comments — show"), axe-clean in light and dark, and shows them by keyboard at the thread’s end', { timeout: 90_000 }, async () => {
    const uri = freshUri('live-two')
    await seedComment(server, { uri, name: 'Cy Early' })
    await seedComment(server, { uri, name: 'Di Early' })
    const a = await openLive(publisher, await context(), uri, {}, plainPage(server, uri))
    await byAuthor(a, 'Di Early').waitFor()
    await seedComment(server, { uri, name: 'Ed New' })
    await newsButton(a, 1).waitFor()
    await seedComment(server, { uri, name: 'Flo New' })
    await newsButton(a, 2).waitFor()
    expect(formatViolations(await axeScanSchemes(a, { shadowHosts: ['#parley'] }))).toBe('')
    await a.emulateMedia({ colorScheme: 'dark' })
    await a.screenshot({ path: `${SHOTS}/widget-live-new-dark.png` })
    await a.emulateMedia({ colorScheme: 'light' })
    // Keyboard only: from the Sort control, Tab reaches the button; Enter shows them.
    await a.getByRole('combobox', { name: 'Sort by' }).focus()
    await a.keyboard.press('Tab')
    await expect.poll(() => focusedLabel(a)).toBe('2 new comments — show')
    await a.screenshot({ path: `${SHOTS}/widget-live-keyboard.png` })
    await a.keyboard.press('Enter')
    await byAuthor(a, 'Flo New').waitFor()
    await expect.poll(() => focusedLabel(a)).toBe('Comment by Ed New')
    const order = await a.evaluate(() => [...document.querySelector('#parley')!.shadowRoot!.querySelectorAll('.list > li.c > article .who')].map((w) => w.textContent))
    expect(order).toEqual(['Cy Early', 'Di Early', 'Ed New', 'Flo New'])
    await expect.poll(() => heading(a).textContent()).toBe('4 Comments')
  })

  it('applies an edit in place, and a moderator’s removal takes the comment away on the open page', { timeout: 90_000 }, async () => {
    const uri = freshUri('live-edit')
    const gil = await seedComment(server, { uri, name: 'Gil Edits', body: 'Before the edit.' })
    const hal = await seedComment(server, { uri, name: 'Hal Removed', body: 'Soon rejected.' })
    await seedComment(server, { uri, name: 'Ida Stays' })
    const mod = await moderator(server, 'live.mod@newsroom.example')
    const a = await openLive(publisher, await context(), uri)
    await byAuthor(a, 'Ida Stays').waitFor()
    const edit = await fetch(`${server.url}/api/comments/${gil.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gil.editToken}` },
      body: JSON.stringify({ body: 'After the *edit*.' }),
    })
    expect(edit.status).toBe(200)
    await byAuthor(a, 'Gil Edits').getByText('After the edit.').waitFor()
    await expect(byAuthor(a, 'Gil Edits').textContent()).resolves.toContain('(edited)')
    await mod('POST', `/api/mod/comments/${hal.id}/actions`, { action: 'reject' })
    await expect.poll(() => byAuthor(a, 'Hal Removed').count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => heading(a).textContent()).toBe('2 Comments')
    expect(await byAuthor(a, 'Ida Stays').count()).toBe(1)
  })

  it('reconnects after the stream drops and reads the thread once for what it missed', { timeout: 90_000 }, async () => {
    const uri = freshUri('live-drop')
    await seedComment(server, { uri, name: 'Jo Before' })
    const ctx = await context()
    const streams: number[] = []
    const reads: string[] = []
    ctx.on('request', (r) => {
      if (r.url().includes('/api/stream?')) streams.push(Date.now())
      if (r.url().includes('/api/comments?') && r.method() === 'GET') reads.push(r.url())
    })
    // The first stream opens and at once ends (a proxy cutting it); the next ones are real.
    await ctx.route('**/api/stream?**', (route) =>
      route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'access-control-allow-origin': publisher.url }, body: 'event: ready\ndata: {}\n\n' }),
    { times: 1 })
    const a = await publisher.open(ctx, uri)
    await byAuthor(a, 'Jo Before').waitFor()
    const readsAtLoad = reads.length
    // Posted while no stream is open.
    await seedComment(server, { uri, name: 'Kim Missed' })
    await newsButton(a, 1).waitFor({ timeout: 30_000 })
    expect(streams.length).toBeGreaterThanOrEqual(2)
    // It came back 3 s later, and read the thread again once.
    expect(streams[1]! - streams[0]!).toBeGreaterThanOrEqual(2500)
    expect(reads.length).toBe(readsAtLoad + 1)
    await newsButton(a, 1).click()
    await byAuthor(a, 'Kim Missed').waitFor()
  })

  it('shows the Staff and Author badges, translated, readable in light, dark and at 375 px', { timeout: 120_000 }, async () => {
    const uri = freshUri('badges')
    const email = 'lena.author@newsroom.example'
    const mod = await moderator(server, email, 'Lena Author')
    await mod('POST', '/api/mod/sites/demo/authors', { handle: 'lena-author', name: 'Lena Author', email, notify: false }).catch(() => undefined)
    const parent = await seedComment(server, { uri, name: 'Max Reader', author: 'lena-author' })
    await mod('POST', `/api/mod/comments/${parent.id}/reply`, { body: 'The article’s author answers.' })
    const other = freshUri('badges-staff')
    const p2 = await seedComment(server, { uri: other, name: 'Ned Reader' })
    await mod('POST', `/api/mod/comments/${p2.id}/reply`, { body: 'Staff answers.' })
    const api = (await (await fetch(`${server.url}/api/comments?site=demo&uri=${encodeURIComponent(uri)}`)).json()) as { comments: { author: { badge: string | null } }[] }
    expect(api.comments.map((c) => c.author.badge)).toEqual([null, 'author'])

    for (const [label, opts] of [
      ['light', { colorScheme: 'light' }],
      ['dark', { colorScheme: 'dark' }],
      ['375', { colorScheme: 'dark', viewport: { width: 375, height: 760 } }],
    ] as const) {
      const page = await publisher.open(await context(opts), uri, { 'data-theme': 'auto' })
      const badge = page.locator('#parley').locator('.badge')
      await badge.first().waitFor()
      expect(await badge.allTextContents()).toEqual(['Author'])
      // Inside the comment's header, next to the name, read with it.
      await expect(page.getByRole('article', { name: 'Comment by Lena Author' }).textContent()).resolves.toMatch(/Lena Author\s*Author/)
      const [fg, bg] = await badge.first().evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor])
      expect(fg).not.toBe(bg)
      await badge.first().scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${SHOTS}/widget-badge-${label}.png` })
    }
    const staff = await publisher.open(await context(), other)
    await staff.locator('#parley').locator('.badge').first().waitFor()
    expect(await staff.locator('#parley').locator('.badge').allTextContents()).toEqual(['Staff'])
    const es = await publisher.open(await context(), other, { 'data-lang': 'es' })
    await es.getByRole('heading', { name: '2 comentarios' }).waitFor()
    expect(await es.locator('#parley').locator('.badge').allTextContents()).toEqual(['Equipo'])
  })
})

describe.skipIf(skipWithoutChromium)('live new comments without a stream (Workers: 204 X-Parley-Live: poll)', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  let ctx: BrowserContext

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage(SHOTS, { deps: { stream: null }, env: { LIVE_POLL_SECONDS: '1' } }))
    await server.setDemoSettings(SETTINGS)
    ctx = await newContext(browser)
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))

  it('polls GET /api/comments with If-None-Match (304 while nothing changed) and shows what is new, and removals', { timeout: 90_000 }, async () => {
    const uri = freshUri('poll')
    await seedComment(server, { uri, name: 'Olga Polled' })
    const gone = await seedComment(server, { uri, name: 'Pia Gone' })
    const reads: { status: number; inm: string | undefined }[] = []
    let stream = 0
    ctx.on('response', async (r) => {
      if (r.url().includes('/api/stream?')) stream = r.status()
      if (r.url().includes('/api/comments?') && r.request().method() === 'GET') reads.push({ status: r.status(), inm: (await r.request().allHeaders())['if-none-match'] })
    })
    const a = await publisher.open(ctx, uri)
    await byAuthor(a, 'Pia Gone').waitFor()
    await expect.poll(() => reads.filter((x) => x.status === 304).length, { timeout: 15_000 }).toBeGreaterThan(0)
    expect(stream).toBe(204)
    expect(reads.find((x) => x.status === 304)!.inm).toMatch(/^W\/"/)
    await seedComment(server, { uri, name: 'Quinn Arrives' })
    await newsButton(a, 1).waitFor({ timeout: 15_000 })
    await newsButton(a, 1).click()
    await byAuthor(a, 'Quinn Arrives').waitFor()
    await expect.poll(() => heading(a).textContent()).toBe('3 Comments')
    const mod = await moderator(server, 'poll.mod@newsroom.example')
    await mod('POST', `/api/mod/comments/${gone.id}/actions`, { action: 'reject' })
    await expect.poll(() => byAuthor(a, 'Pia Gone').count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => heading(a).textContent()).toBe('2 Comments')
  })
})
