import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../src/notifications/outbox.js'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { newContext, seedComment } from './fixtures.js'

const SHOTS = 'test-results/screenshots'
const ERIN = { email: 'Erin.Privacy@Example.org', name: 'Erin Forgetme' }

/** Presses Tab until the focused element's text matches, as a keyboard user would. */
async function tabTo(page: Page, text: RegExp, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '')
    if (text.test(focused)) return
  }
  throw new Error(`no focusable element matching ${text} within ${max} tabs`)
}

describe.skipIf(skipWithoutChromium)("a reader's privacy flow in the browser", () => {
  let server: TestServer
  let browser: Browser
  let erinFirst: string

  beforeAll(async () => {
    // The dev mailbox, as `npm start` runs without SMTP_URL: /dev/mail shows what was sent.
    server = await startTestServer({ nodeMailer: true })
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0 })
    browser = await launchChromium()
    erinFirst = (await seedComment(server, { name: ERIN.name, email: ERIN.email, body: 'Erin first: this should be forgotten on request.' })).id
    await seedComment(server, { name: 'Tom Becker', parentId: erinFirst, body: 'Tom answers Erin, and this reply stays.' })
    await seedComment(server, { name: ERIN.name, email: ERIN.email, body: 'Erin second: another thought of mine.' })
    mkdirSync(SHOTS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('from the article’s privacy link, through the emailed link in the dev mailbox, to erasing everything by keyboard', { timeout: 180_000 }, async () => {
    const context = await newContext(browser)
    const article = await context.newPage()
    await article.goto(server.url + '/')
    await article.getByText('Erin second: another thought of mine.').waitFor()

    // The widget's note links to the privacy page (a new tab).
    const link = article.locator('#parley').getByRole('link', { name: 'See or erase your comments' })
    expect(await link.getAttribute('href')).toBe(`${server.url}/privacy?site=demo`)
    const [request] = await Promise.all([context.waitForEvent('page'), link.click()])
    await request.waitForLoadState()
    expect(await request.locator('h1').textContent()).toBe('Your comments and data')
    expect(formatViolations(await axeScanSchemes(request))).toBe('')
    await request.emulateMedia({ colorScheme: 'light' })
    await request.screenshot({ path: `${SHOTS}/privacy-request.png`, fullPage: true })

    // Ask by keyboard: the address, then Enter.
    await request.getByLabel('Email address').focus()
    await request.keyboard.type(ERIN.email)
    await request.keyboard.press('Enter')
    await request.getByRole('heading', { name: 'Check your inbox' }).waitFor()
    await request.screenshot({ path: `${SHOTS}/privacy-request-sent.png`, fullPage: true })
    expect((await deliverDue(server.deps)).sent).toBe(1)

    // The dev mailbox has the email; its button opens the signed page.
    const mailbox = await context.newPage()
    await mailbox.goto(server.url + '/dev/mail')
    await mailbox.getByRole('link', { name: '[Parley Demo News] Your comments and data' }).click()
    const [manage] = await Promise.all([
      context.waitForEvent('page'),
      mailbox.frameLocator('iframe').getByRole('link', { name: 'See my comments and data' }).click(),
    ])
    await manage.waitForLoadState()
    expect(new URL(manage.url()).pathname).toBe('/privacy/manage')
    await manage.getByText('Erin first: this should be forgotten on request.').waitFor()
    expect(await manage.getByText('Erin second: another thought of mine.').count()).toBe(1)
    expect(await manage.getByText('Tom answers Erin').count()).toBe(0)
    expect((await manage.content()).toLowerCase()).not.toContain(ERIN.email.toLowerCase())
    expect(formatViolations(await axeScanSchemes(manage))).toBe('')
    await manage.emulateMedia({ colorScheme: 'light' })
    await manage.screenshot({ path: `${SHOTS}/privacy-manage-light.png`, fullPage: true })
    await manage.emulateMedia({ colorScheme: 'dark' })
    await manage.screenshot({ path: `${SHOTS}/privacy-manage-dark.png`, fullPage: true })
    await manage.emulateMedia({ colorScheme: 'light' })
    const url = manage.url()

    // At 375 px: nothing overflows sideways, and every button is a 44 px target.
    const phone = await newContext(browser, { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true })
    const small = await phone.newPage()
    await small.goto(url)
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    for (const b of await small.locator('button, a.btn').all()) expect((await b.boundingBox())!.height).toBeGreaterThanOrEqual(44)
    await small.screenshot({ path: `${SHOTS}/privacy-manage-375.png`, fullPage: true })
    await phone.close()

    // Erase by keyboard only: Tab to the button, Enter; confirm the same way.
    await manage.bringToFront()
    await manage.locator('body').focus()
    await tabTo(manage, /Erase everything/)
    await manage.screenshot({ path: `${SHOTS}/privacy-manage-focus.png` })
    await manage.keyboard.press('Enter')
    await manage.getByRole('heading', { name: 'Erase everything?' }).waitFor()
    await manage.screenshot({ path: `${SHOTS}/privacy-erase-confirm.png`, fullPage: true })
    await tabTo(manage, /Yes, erase everything/)
    await manage.keyboard.press('Enter')
    await manage.getByRole('heading', { name: 'Everything is erased' }).waitFor()
    expect(await manage.getByRole('status').textContent()).toContain('Erased 2 comments. One stays as an empty placeholder')
    await manage.screenshot({ path: `${SHOTS}/privacy-erased.png`, fullPage: true })

    // The article: her words are gone, Tom's reply stays under a deleted placeholder.
    await article.reload()
    await article.getByText('Tom answers Erin, and this reply stays.').waitFor()
    expect(await article.getByText('Erin first').count()).toBe(0)
    expect(await article.getByText('Erin second').count()).toBe(0)
    expect(await article.getByText(ERIN.name).count()).toBe(0)
    expect(await article.locator('#parley').getByText('This comment was deleted.').count()).toBe(1)
    await article.screenshot({ path: `${SHOTS}/privacy-article-after.png` })

    // The link is spent; the mailbox no longer holds the email.
    await manage.goto(url)
    expect(await manage.locator('h1').textContent()).toBe('Already erased')
    await mailbox.goto(server.url + '/dev/mail')
    expect(await mailbox.getByText('Your comments and data').count()).toBe(0)
    await context.close()
  })
})
