import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { fixture } from '../helpers/imports.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'
import { signInToDesk } from './fixtures.js'

const SHOTS = 'test-results/screenshots'

let s: ModServer
let browser: Browser
let page: Page
const pageErrors: string[] = []

describe.skipIf(skipWithoutChromium)('importing a WordPress export from the desk', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    s = await startModServer({ settings: { maxDepth: 3 } })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(15_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`${msg.text()} ${msg.location().url}`)
    })
    await signInToDesk(page, s)
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('finds Import and export from the site settings, uploads, sees the dry run, confirms and sees the result', async () => {
    await page.goto(`${s.url}/mod/sites/news/settings`)
    await page.getByRole('link', { name: 'Import and export' }).click()
    await page.waitForURL(/\/mod\/sites\/news\/import$/)
    await page.screenshot({ path: `${SHOTS}/import-upload.png`, fullPage: true })

    // Keyboard only: the format, the file, the button.
    await page.getByLabel('WordPress (WXR, .xml)').focus()
    await page.keyboard.press('Space')
    await page.getByLabel('Export file').setInputFiles(fixture('wordpress.xml'))
    await page.getByRole('button', { name: 'Upload and check' }).focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/mod\/sites\/news\/import\/[a-z0-9]+$/)

    // The page polls until the dry run is done, then shows what the file holds.
    await expect.poll(() => page.locator('#job-state').textContent(), { timeout: 20_000 }).toContain('Checked')
    expect(await page.locator('#import-job').textContent()).toContain('Nothing has been written yet')
    expect(await page.locator('table.summary').textContent()).toMatch(/Comments\s*11/)
    expect(await page.locator('ul.invalid').textContent()).toContain('no content')
    const count = await s.deps.db.selectFrom('comments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(0)
    await page.screenshot({ path: `${SHOTS}/import-checked.png`, fullPage: true })

    await page.getByRole('button', { name: 'Import 11 comments' }).click()
    await expect.poll(() => page.locator('#job-state').textContent(), { timeout: 20_000 }).toBe('Imported')
    expect(await page.locator('.notice').first().textContent()).toContain('Imported 11 comments into 3 threads.')
    await page.screenshot({ path: `${SHOTS}/import-done.png`, fullPage: true })

    const thread = (await (await fetch(`${s.url}/api/comments?site=news&uri=/2014/test`)).json()) as any
    expect(thread.comments).toHaveLength(5)

    // Narrow screen and dark scheme.
    await page.setViewportSize({ width: 375, height: 800 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${s.url}/mod/sites/news/import`)
    await page.screenshot({ path: `${SHOTS}/import-375-dark.png`, fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
