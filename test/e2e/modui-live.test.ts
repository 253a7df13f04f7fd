import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'
import { signInToDesk } from './fixtures.js'

// Issue 15, item 3 on the desk: new cards announce themselves in the queue without moving the
// card being worked (the queue polls /mod/counts every LIVE_POLL_SECONDS, here 1 s).
const SHOTS = 'test-results/screenshots'
let s: ModServer
let browser: Browser
let page: Page
let n = 0
const pageErrors: string[] = []

async function held(name: string): Promise<string> {
  n++
  const res = await s.postComment({ uri: '/2026/11/live-desk', title: 'Live desk', name, email: `live${n}@example.org`, body: `Held comment ${n}, waiting.` })
  expect(res.status).toBe(202)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}
const topOf = (id: string) => page.evaluate((id) => document.getElementById(`c-${id}`)!.getBoundingClientRect().top, id)
const showButton = (k: number) => page.getByRole('button', { name: `${k} new in queue — show`, exact: true })
const cardIds = () => page.locator('#queue-list .card').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id))

describe.skipIf(skipWithoutChromium)('live cards in the moderation queue', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    s = await startModServer({ settings: { floodSeconds: 0 }, env: { LIVE_POLL_SECONDS: '1' } })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 700 } })
    page.setDefaultTimeout(15_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await signInToDesk(page, s)
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('announces "1 new in queue — show" politely without moving the card in hand; showing adds it on top and focuses it', { timeout: 90_000 }, async () => {
    const ids: string[] = []
    for (let i = 0; i < 6; i++) ids.push(await held(`Early Reader ${i}`))
    await page.goto(`${s.url}/mod/queue?queue=pending`)
    await expect(page.locator('#queue-list').getAttribute('data-poll')).resolves.toBe('1')
    // Newest first: the moderator works the fourth card, scrolled down to it.
    await page.locator('body').press('j')
    for (let i = 0; i < 3; i++) await page.locator('body').press('j')
    const working = (await cardIds())[3]!
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`c-${working}`)
    const before = await topOf(working)

    const fresh = await held('Fresh Reader')
    await showButton(1).waitFor()
    await expect(page.locator('#queue-new').getAttribute('aria-live')).resolves.toBe('polite')
    // Announced only: the card is not in the list yet, nothing moved, the focus stayed.
    expect(await page.locator(`#c-${fresh}`).count()).toBe(0)
    expect(Math.abs((await topOf(working)) - before)).toBeLessThanOrEqual(1)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`c-${working}`)
    await expect.poll(() => page.locator('[data-count="pending"]').textContent()).toBe('7')
    const box = await showButton(1).boundingBox()
    expect(box!.y).toBeGreaterThanOrEqual(0)
    expect(box!.y + box!.height).toBeLessThan(700)
    await page.screenshot({ path: `${SHOTS}/desk-live-new.png` })

    // A second one while the first waits: counted together.
    const fresher = await held('Fresher Reader')
    await showButton(2).waitFor()
    // Keyboard: the button is reachable and Enter shows them.
    await showButton(2).focus()
    await page.keyboard.press('Enter')
    await page.locator(`#c-${fresher}`).waitFor()
    expect((await cardIds()).slice(0, 2)).toEqual([fresher, fresh])
    expect((await cardIds()).includes(working)).toBe(true)
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`c-${fresher}`)
    await expect(showButton(2).count()).resolves.toBe(0)
    // The keys go on working on the new cards: a approves the focused one.
    await page.keyboard.press('a')
    await expect.poll(async () => (await s.deps.db.selectFrom('comments').select('status').where('id', '=', fresher).executeTakeFirstOrThrow()).status).toBe('approved')
    await page.screenshot({ path: `${SHOTS}/desk-live-shown.png` })
    expect(pageErrors).toEqual([])
  })

  it('at 375 px the announcement fits on screen', { timeout: 60_000 }, async () => {
    await page.setViewportSize({ width: 375, height: 760 })
    await page.goto(`${s.url}/mod/queue?queue=pending`)
    await page.locator('#queue-list .card').first().waitFor()
    await page.evaluate(() => window.scrollBy(0, 900))
    await held('Phone Reader')
    await showButton(1).waitFor()
    const box = await showButton(1).boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(375)
    // Below the bulk bar (three rows here), not over its buttons.
    const bar = await page.locator('.bulk').boundingBox()
    expect(box!.y).toBeGreaterThanOrEqual(bar!.y + bar!.height)
    await page.screenshot({ path: `${SHOTS}/desk-live-375.png` })
  })

  it('in dark mode the announcement keeps its contrast', { timeout: 60_000 }, async () => {
    await page.setViewportSize({ width: 1280, height: 700 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${s.url}/mod/queue?queue=pending`)
    await page.locator('#queue-list .card').first().waitFor()
    await held('Night Reader')
    await showButton(1).waitFor()
    const [fg, bg, pageBg] = await showButton(1).evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor, getComputedStyle(document.body).backgroundColor])
    expect(fg).not.toBe(bg)
    expect(bg).not.toBe(pageBg)
    await page.screenshot({ path: `${SHOTS}/desk-live-dark.png` })
    await page.emulateMedia({ colorScheme: 'light' })
  })
})
