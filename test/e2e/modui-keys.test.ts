// The desk's keyboard (README, "Moderation"): j/k move, s marks spam, u undoes within 8 seconds,
// ? opens and closes the list of keys. The page's clock is Playwright's, paused: the 8 seconds
// are not waited for, they are fast-forwarded.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'
import { signInToDesk } from './fixtures.js'

let s: ModServer
let browser: Browser
let page: Page
let n = 0
const ids: string[] = []

async function post() {
  n++
  const res = await s.postComment({ uri: '/2026/11/keys', title: 'Keys', name: `Key Reader ${n}`, email: `key${n}@example.org`, body: `A comment for the keyboard, number ${n}.` })
  expect(res.status).toBe(202)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}
const statusOf = async (id: string) => (await s.deps.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '')
const cardIds = () => page.locator('#queue-list .card').evaluateAll((cs) => cs.map((c) => c.id))
const toast = () => page.locator('#toast-text')

describe.skipIf(skipWithoutChromium)('the desk’s keys', () => {
  beforeAll(async () => {
    s = await startModServer({ settings: { floodSeconds: 0 } })
    for (let i = 0; i < 3; i++) ids.push(await post())
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(20_000)
    await page.clock.install()
    await signInToDesk(page, s)
    // From here the page's time moves only when a test moves it (no race with a slow machine).
    await page.clock.pauseAt(Date.now() + 60_000)
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('j and k move between comments', async () => {
    const shown = await cardIds()
    expect(shown).toHaveLength(3)
    await page.locator('body').press('j')
    await expect.poll(focusedId).toBe(shown[0])
    await page.keyboard.press('j')
    await expect.poll(focusedId).toBe(shown[1])
    await page.keyboard.press('j')
    await expect.poll(focusedId).toBe(shown[2])
    await page.keyboard.press('k')
    await expect.poll(focusedId).toBe(shown[1])
    await page.keyboard.press('k')
    await expect.poll(focusedId).toBe(shown[0])
  })

  it('s marks the focused comment as spam; u within 8 seconds puts it back where it was', async () => {
    const shown = await cardIds()
    const id = shown[0]!.replace('c-', '')
    await page.keyboard.press('s')
    await expect.poll(() => toast().textContent()).toBe('Marked as spam 1 comment.')
    await expect.poll(() => statusOf(id)).toBe('spam')
    expect(await cardIds()).toEqual(shown.slice(1))
    await page.clock.fastForward(7_000)
    expect(await page.locator('#toast').isHidden()).toBe(false)
    await page.keyboard.press('u')
    await expect.poll(() => statusOf(id)).toBe('pending')
    await expect.poll(() => toast().textContent()).toBe('Undone: 1 comment back as before.')
    expect(await cardIds()).toEqual(shown)
    await expect.poll(focusedId).toBe(shown[0])
  })

  it('after 8 seconds the undo is gone: u changes nothing', async () => {
    const shown = await cardIds()
    const id = shown[0]!.replace('c-', '')
    await page.keyboard.press('s')
    await expect.poll(() => statusOf(id)).toBe('spam')
    await expect.poll(() => toast().textContent()).toBe('Marked as spam 1 comment.')
    await page.clock.fastForward(8_100)
    await expect.poll(() => page.locator('#toast').isHidden()).toBe(true)
    const requests: string[] = []
    page.on('request', (r) => void requests.push(r.url()))
    await page.keyboard.press('u')
    await page.keyboard.press('z')
    await page.waitForLoadState('networkidle')
    expect(requests.filter((u) => u.includes('/mod/undo'))).toEqual([])
    expect(await statusOf(id)).toBe('spam')
    expect(await cardIds()).toEqual(shown.slice(1))
  })

  it('? opens the list of keys and closes it; other keys do nothing while it is open', async () => {
    const help = page.locator('#keys-help')
    expect(await help.isVisible()).toBe(false)
    await page.keyboard.press('?')
    await expect.poll(() => help.isVisible()).toBe(true)
    await expect(help.locator('h2').textContent()).resolves.toBe('Keyboard shortcuts')
    for (const key of ['j', 'k', 'a', 'r', 's', 'u']) expect(await help.textContent()).toContain(key)
    const before = await Promise.all(ids.map(statusOf))
    await page.keyboard.press('s')
    expect(await Promise.all(ids.map(statusOf))).toEqual(before)
    await page.keyboard.press('?')
    await expect.poll(() => help.isVisible()).toBe(false)
  })
})
