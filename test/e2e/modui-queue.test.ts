import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'
import { signInToDesk } from './fixtures.js'

// A moderator clearing the queue by keyboard, faster than the server answers, page after page.
const SHOTS = 'test-results/screenshots'
let s: ModServer
let browser: Browser
let page: Page
let n = 0
const refused: string[] = []
const pageErrors: string[] = []

async function seed(count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    n++
    const res = await s.postComment({ uri: '/2026/11/queue', title: 'Queue day', name: `Reader ${n}`, email: `q${n}@example.org`, body: `Held comment ${n}.` })
    expect(res.status).toBe(202)
    ids.push(((await res.json()) as { comment: { id: string } }).comment.id)
  }
  return ids
}
const statuses = async (ids: string[]) =>
  (await s.deps.db.selectFrom('comments').select(['id', 'status']).where('id', 'in', ids).execute()).map((r) => r.status)
const pendingTab = async () => Number(await page.locator('[data-count="pending"]').textContent())
// Generous: the machine is slow and the server is made slower.
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 60_000, interval: 100 })
const visibleCards = () => page.locator('#queue-list .card:visible')

describe.skipIf(skipWithoutChromium)('the moderation queue under a fast keyboard and a slow server', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    s = await startModServer({ settings: { floodSeconds: 0 } })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/mod/') && r.status() !== 200) refused.push(`${r.status()} ${r.url()}`)
    })
    await signInToDesk(page, s)
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('10. twenty `a` presses 15 ms apart approve twenty comments, each once, in order, none refused', { timeout: 180_000 }, async () => {
    const ids = await seed(20)
    refused.length = 0
    await page.goto(`${s.url}/mod/queue?queue=pending`)
    expect(await visibleCards().count()).toBe(20)
    s.setDeskPostDelay(400)
    await page.locator('body').press('j')
    const firstCards = await page.locator('#queue-list .card').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id))
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('a')
      await page.waitForTimeout(15)
    }
    // The focus moved on at once: every card already left the list although the server is still answering.
    expect(await visibleCards().count()).toBeLessThan(20)
    await poll(() => statuses(ids)).toEqual(ids.map(() => 'approved'))
    s.setDeskPostDelay(0)
    expect(refused).toEqual([])
    expect(await page.locator('#toast.bad').count()).toBe(0)
    // Each approved once, in the order the cards were shown.
    const approvals = await s.deps.db
      .selectFrom('moderation_actions')
      .select('comment_id')
      .where('action', '=', 'approve')
      .where('comment_id', 'in', ids)
      .orderBy('id')
      .execute()
    expect(approvals.map((a) => a.comment_id)).toEqual(firstCards)
    await poll(pendingTab).toBe(0)
    await poll(() => page.locator('#queue-empty').textContent()).toBe('Nothing waits for a moderator. Well done.')
    expect(pageErrors).toEqual([])
  })

  it('11. clearing a page loads the next one in place; "well done" only when none is left', { timeout: 180_000 }, async () => {
    const ids = await seed(25)
    refused.length = 0
    await page.goto(`${s.url}/mod/queue?queue=pending&limit=10`)
    expect(await visibleCards().count()).toBe(10)
    s.setDeskPostDelay(200)
    const wellDone = page.getByText('Nothing waits for a moderator. Well done.')
    for (const left of [15, 5]) {
      await page.getByLabel('Select all on this page').check()
      await page.getByRole('button', { name: 'Approve selected' }).click()
      await poll(pendingTab).toBe(left)
      await poll(() => visibleCards().count()).toBe(Math.min(10, left))
      expect(await wellDone.isVisible()).toBe(false)
      // The first of the new cards has the focus, ready for the keyboard.
      await poll(() => page.evaluate(() => document.activeElement?.classList.contains('card') ?? false)).toBe(true)
    }
    await page.screenshot({ path: `${SHOTS}/queue-refilled.png`, fullPage: true })
    // The last five by keyboard: then, and only then, well done.
    for (let i = 0; i < 5; i++) await page.keyboard.press('a')
    await poll(() => wellDone.isVisible()).toBe(true)
    s.setDeskPostDelay(0)
    expect(await statuses(ids)).toEqual(ids.map(() => 'approved'))
    expect(await pendingTab()).toBe(0)
    expect(refused).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
