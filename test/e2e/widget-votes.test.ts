// Issue 15, item 2 (the widget's side): sort oldest / newest / best, remembered; up and down votes.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { skipWithoutChromium } from '../helpers/browser.js'
import type { TestServer } from '../helpers/server.js'
import { fillForm, freshUri, newContext, seedComment, type Publisher, startWidgetStage, stopWidgetStage } from './fixtures.js'

const SHOTS = 'test-results/screenshots'
const byAuthor = (page: Page, name: string) => page.getByRole('article', { name: `Comment by ${name}`, exact: true })
const plainPage = (server: TestServer, uri: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title></head>
<body><main><h1>An article</h1><div id="parley" data-site="demo" data-uri="${uri}" data-theme="auto"></div></main>
<script src="${server.url}/embed.js" async></script></body></html>`
/** Top-level authors in the order the widget shows them. */
const order = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelector('#parley')!.shadowRoot!.querySelectorAll('.list > li.c > article .who')].map((w) => w.textContent),
  )
const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return el?.getAttribute('aria-label') ?? el?.textContent ?? ''
  })

async function voteAs(server: TestServer, origin: string, id: string, voter: string, value: 1 | -1 | 0) {
  const res = await fetch(`${server.url}/api/comments/${id}/vote`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ value, voter }),
  })
  if (res.status !== 200) throw new Error(`vote: ${res.status} ${await res.text()}`)
}

describe.skipIf(skipWithoutChromium)('sorting and votes in the widget (issue 15, item 2)', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  let context: BrowserContext

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage(SHOTS))
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))
  beforeEach(async () => {
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, maxDepth: 5, editWindowSeconds: 900, defaultSort: 'oldest', downvotes: false })
    await context?.close()
    context = await newContext(browser)
  })

  it('sorts oldest, newest and best (replies stay under their parents), remembers the choice, and starts from the site default', async () => {
    const uri = freshUri('sort')
    const ann = await seedComment(server, { uri, name: 'Ann First' })
    const ben = await seedComment(server, { uri, name: 'Ben Second' })
    await seedComment(server, { uri, name: 'Cy Third' })
    await seedComment(server, { uri, parentId: ann.id, name: 'Reply To Ann' })
    for (let i = 0; i < 3; i++) await voteAs(server, publisher.url, ben.id, `seed-voter-${i}-0123456789abcdef`, 1)
    const page = await publisher.open(context, uri, {}, plainPage(server, uri))
    const select = page.getByRole('combobox', { name: 'Sort by' })
    await select.waitFor()
    await expect(select.inputValue()).resolves.toBe('oldest')
    expect(await order(page)).toEqual(['Ann First', 'Ben Second', 'Cy Third'])
    await select.selectOption('best')
    await expect.poll(() => order(page)).toEqual(['Ben Second', 'Ann First', 'Cy Third'])
    await byAuthor(page, 'Reply To Ann').waitFor()
    expect(await page.evaluate(() => localStorage.getItem('parley:sort:demo'))).toBe('"best"')
    await page.reload()
    await expect(page.getByRole('combobox', { name: 'Sort by' }).inputValue()).resolves.toBe('best')
    await expect.poll(() => order(page)).toEqual(['Ben Second', 'Ann First', 'Cy Third'])
    // Keyboard only: the select changes with the arrow keys.
    await page.getByRole('combobox', { name: 'Sort by' }).focus()
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption('newest')
    await expect.poll(() => order(page)).toEqual(['Cy Third', 'Ben Second', 'Ann First'])
    await expect(page.locator(`#comment-${ann.id} > .kids`).getByRole('article', { name: 'Comment by Reply To Ann' }).count()).resolves.toBe(1)
    // A reader who never chose: the site's default.
    await server.setDemoSettings({ defaultSort: 'newest' })
    const fresh = await newContext(browser)
    const p2 = await publisher.open(fresh, uri, {}, plainPage(server, uri))
    await expect(p2.getByRole('combobox', { name: 'Sort by' }).inputValue()).resolves.toBe('newest')
    await expect.poll(() => order(p2)).toEqual(['Cy Third', 'Ben Second', 'Ann First'])
    await fresh.close()
  })

  it('votes up and takes it back with one browser token (kept, sent as X-Parley-Voter), downvotes where allowed, never on one’s own comment', async () => {
    await server.setDemoSettings({ downvotes: true })
    const uri = freshUri('votes')
    const other = await seedComment(server, { uri, name: 'Voted On', body: 'Rate me.' })
    await voteAs(server, publisher.url, other.id, 'someone-else-0123456789abcdef', 1)
    const voterHeaders: string[] = []
    context.on('request', (r) => {
      const v = r.headers()['x-parley-voter']
      if (v && r.url().includes('/api/comments?')) voterHeaders.push(v)
    })
    const page = await publisher.open(context, uri, {}, plainPage(server, uri))
    const up = byAuthor(page, 'Voted On').getByRole('button', { name: "Upvote Voted On's comment, 1" })
    await up.waitFor()
    await expect(up.getAttribute('aria-pressed')).resolves.toBe('false')
    // Keyboard only: Tab to it, Space.
    for (let i = 0; i < 30 && !(await focusedLabel(page)).includes('Upvote'); i++) await page.keyboard.press('Tab')
    await page.keyboard.press('Space')
    const up2 = byAuthor(page, 'Voted On').getByRole('button', { name: "Upvote Voted On's comment, 2" })
    await up2.waitFor()
    await expect(up2.getAttribute('aria-pressed')).resolves.toBe('true')
    const token = JSON.parse((await page.evaluate(() => localStorage.getItem('parley:voter')))!) as string
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-voted.png` })
    // After a reload the read carries the token: the button is still pressed.
    await page.reload()
    const again = byAuthor(page, 'Voted On').getByRole('button', { name: "Upvote Voted On's comment, 2" })
    await expect(again.getAttribute('aria-pressed')).resolves.toBe('true')
    expect(voterHeaders).toContain(token)
    // Pressed again: the vote is taken back.
    await again.click()
    await byAuthor(page, 'Voted On').getByRole('button', { name: "Upvote Voted On's comment, 1", pressed: false }).waitFor()
    // Down (the site allows it), then up: one vote per browser.
    await byAuthor(page, 'Voted On').getByRole('button', { name: "Downvote Voted On's comment, 0" }).click()
    await byAuthor(page, 'Voted On').getByRole('button', { name: "Downvote Voted On's comment, 1", pressed: true }).waitFor()
    await byAuthor(page, 'Voted On').getByRole('button', { name: "Upvote Voted On's comment, 1" }).click()
    await byAuthor(page, 'Voted On').getByRole('button', { name: "Downvote Voted On's comment, 0", pressed: false }).waitFor()
    await byAuthor(page, 'Voted On').getByRole('button', { name: "Upvote Voted On's comment, 2", pressed: true }).waitFor()
    const rows = await server.deps.db.selectFrom('comments').select(['upvotes', 'downvotes']).where('id', '=', other.id).executeTakeFirstOrThrow()
    expect(rows).toEqual({ upvotes: 2, downvotes: 0 })

    // One's own comment has no vote buttons.
    await fillForm(page, { body: 'My own words.', name: 'Me Myself', email: 'me@example.org' })
    await page.getByRole('button', { name: 'Post Comment' }).click()
    await byAuthor(page, 'Me Myself').waitFor()
    await expect(byAuthor(page, 'Me Myself').locator('.vote').count()).resolves.toBe(0)
    await page.reload()
    await byAuthor(page, 'Me Myself').waitFor()
    await expect(byAuthor(page, 'Me Myself').locator('.vote').count()).resolves.toBe(0)
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
  })

  it('no downvote button where the site does not take them; fits 375 px, axe-clean in light and dark', async () => {
    const uri = freshUri('votes-phone')
    for (let i = 0; i < 3; i++) await seedComment(server, { uri, name: `Phone Reader ${i + 1}` })
    const phone = await newContext(browser, { viewport: { width: 375, height: 740 } })
    const page = await publisher.open(phone, uri, {}, plainPage(server, uri))
    await byAuthor(page, 'Phone Reader 1').waitFor()
    await expect(page.locator('#parley .vote').count()).resolves.toBe(3)
    await expect(page.getByRole('button', { name: /^Downvote/ }).count()).resolves.toBe(0)
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0)
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-votes-375-dark.png` })
    await phone.close()
  })
})
