import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newFirstAdminSetup } from '../../src/auth/setup.service.js'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'
import { newContext } from './fixtures.js'

const SHOTS = 'test-results/screenshots'

/** The first-admin setup page, as a newcomer opens the link `npm start` printed: by keyboard only. */
describe.skipIf(skipWithoutChromium)('the first-admin setup page in a browser', () => {
  const setup = newFirstAdminSetup()
  const token = setup.token!
  let s: ModServer
  let browser: Browser
  const pageErrors: string[] = []
  const watch = (page: Page) => {
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/40[039] \(/.test(msg.text())) pageErrors.push(`${msg.text()} ${msg.location().url}`)
    })
    return page
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    s = await startModServer({ firstAdminSetup: setup })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('is readable in light, dark and at 375 px, with no axe violations', async () => {
    const context = await newContext(browser)
    const page = watch(await context.newPage())
    page.setDefaultTimeout(20_000)
    await page.goto(`${s.url}/mod/setup?token=${token}`)
    expect(await page.locator('h1').textContent()).toBe('Create the first admin')
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.screenshot({ path: `${SHOTS}/setup-light.png`, fullPage: true })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: `${SHOTS}/setup-dark.png`, fullPage: true })

    const phone = await newContext(browser, { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true })
    const small = watch(await phone.newPage())
    await small.goto(`${s.url}/mod/setup?token=${token}`)
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    const button = await small.getByRole('button', { name: 'Create admin and sign in' }).boundingBox()
    expect(button!.height).toBeGreaterThanOrEqual(44)
    expect(formatViolations(await axeScanSchemes(small))).toBe('')
    await small.emulateMedia({ colorScheme: 'light' })
    await small.screenshot({ path: `${SHOTS}/setup-375.png`, fullPage: true })
    await phone.close()
    await context.close()
  })

  it('creates the admin by keyboard: a mistake is shown next to its field, then the desk opens signed in', { timeout: 120_000 }, async () => {
    const context = await newContext(browser)
    const page = watch(await context.newPage())
    page.setDefaultTimeout(20_000)
    await page.goto(`${s.url}/mod/setup?token=${token}`)
    // The email field has the focus on arrival; everything else is Tab and typing.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('email')
    await page.keyboard.type('chief@newsroom.example')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password')
    await page.keyboard.type('a-long-password-1')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm')
    await page.keyboard.type('a-long-password-2')
    await page.keyboard.press('Enter')
    await page.locator('#confirm-err').waitFor()
    expect(await page.locator('#confirm-err').textContent()).toBe('The two passwords are not the same.')
    expect(await page.locator('#confirm').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#email').inputValue()).toBe('chief@newsroom.example')
    // The focus is where the fix goes: the password, typed again twice.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('password')
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.screenshot({ path: `${SHOTS}/setup-error.png`, fullPage: true })

    await page.keyboard.type('a-long-password-1')
    await page.keyboard.press('Tab')
    await page.keyboard.type('a-long-password-1')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/mod\/queue/)
    expect(await page.locator('h1').textContent()).toBe('Moderation queue')
    expect(await page.locator('.notice').first().textContent()).toContain('You are the admin (chief@newsroom.example)')
    await page.screenshot({ path: `${SHOTS}/setup-done.png`, fullPage: true })

    // The link is spent: opening it again is a clear refusal with a way to sign in.
    await page.goto(`${s.url}/mod/setup?token=${token}`)
    expect(await page.locator('h1').textContent()).toBe('Parley already has an admin')
    expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1)
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.screenshot({ path: `${SHOTS}/setup-refused.png`, fullPage: true })
    expect(pageErrors).toEqual([])
    await context.close()
  })
})
