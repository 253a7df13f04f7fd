// Issue 15, item 6 (the reader's side): "Email me new comments on this article" → the emailed
// confirmation link → a new comment → the digest, through a real SMTP server.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sendDueDigests } from '../../src/follows/digest.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { linksIn } from '../helpers/mail.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { startSmtp } from '../helpers/smtp.js'
import { freshUri, newContext, seedComment, startPublisher, type Publisher } from './fixtures.js'

const SHOTS = 'test-results/screenshots'
const plainPage = (server: TestServer, uri: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Followed article</title></head>
<body><main><h1>An article worth following</h1><div id="parley" data-site="demo" data-uri="${uri}" data-theme="auto"></div></main>
<script src="${server.url}/embed.js" async></script></body></html>`
const LABEL = 'Email me new comments on this article'

describe.skipIf(skipWithoutChromium)('following an article from the widget (issue 15, item 6)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  let context: BrowserContext

  /** What the worker loop does: due digests into the outbox, then the outbox to SMTP. */
  async function worker() {
    await sendDueDigests(server.deps)
    for (let i = 0; i < 20 && (await deliverDue(server.deps, { limit: 50 })).claimed > 0; i++);
  }
  const mailsTo = (address: string) => smtp.received.filter((r) => r.envelopeTo.includes(address))

  beforeAll(async () => {
    smtp = await startSmtp()
    server = await startTestServer({ env: { SMTP_URL: smtp.url }, nodeMailer: true })
    publisher = await startPublisher(server)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await publisher?.close()
    await server?.close()
    await smtp?.stop()
  })
  beforeEach(async () => {
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, follows: true, followDigestMinutes: 60 })
    await context?.close()
    context = await newContext(browser)
  })

  async function open(uri: string, ctx = context): Promise<Page> {
    const page = await publisher.open(ctx, uri, {}, plainPage(server, uri))
    await page.getByRole('textbox', { name: LABEL }).waitFor()
    return page
  }

  it('follow → the confirmation link → a new comment → one digest email', async () => {
    const uri = freshUri('follow')
    await seedComment(server, { uri, name: 'Already Here', body: 'A comment from before the follow.' })
    const page = await open(uri)
    const email = page.getByRole('textbox', { name: LABEL })
    // Keyboard only: type the address, Enter sends.
    await email.focus()
    await page.keyboard.type('nora.follower@example.org')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Check your inbox to confirm.' }).count()).toBe(1)
    await page.emulateMedia({ colorScheme: 'light' })
    await page.locator('#parley form.follow').screenshot({ path: `${SHOTS}/widget-follow-sent.png` })

    // The confirmation email, and its link opened in the browser: a page with one button.
    await worker()
    const [confirmMail] = mailsTo('nora.follower@example.org')
    expect(confirmMail!.mail.subject).toBe('[Parley Demo News] Please confirm: new comments on "Followed article"')
    const confirm = linksIn(confirmMail!.mail.text ?? '').find((u) => new URL(u).pathname === '/email/follow/confirm')!
    const tab = await context.newPage()
    await tab.goto(confirm)
    await tab.getByRole('button', { name: 'Confirm' }).click()
    await tab.getByRole('heading', { name: 'You follow this article' }).waitFor()

    // Someone comments: one digest, with the comment and a link to it; the old comment is not news.
    const fresh = await seedComment(server, { uri, name: 'New Voice', body: 'Something new to say about the article.' })
    await worker()
    const digests = mailsTo('nora.follower@example.org').filter((r) => r.mail.subject?.includes('New comment on'))
    expect(digests).toHaveLength(1)
    expect(digests[0]!.mail.subject).toBe('[Parley Demo News] New comment on "Followed article"')
    expect(digests[0]!.mail.text).toContain('Something new to say about the article.')
    expect(digests[0]!.mail.text).toContain(`#comment-${fresh.id}`)
    expect(digests[0]!.mail.text).not.toContain('A comment from before the follow.')
    expect(digests[0]!.header('list-unsubscribe')).toContain('/email/follow/unsubscribe?token=')
    // More comments within the window: no second email yet.
    await seedComment(server, { uri, name: 'Third Voice' })
    await worker()
    expect(mailsTo('nora.follower@example.org').map((r) => r.mail.subject)).toEqual([confirmMail!.mail.subject, digests[0]!.mail.subject])
  })

  it('says what is wrong with the address, in light and dark, at 375 px, axe-clean', async () => {
    const uri = freshUri('follow-look')
    await seedComment(server, { uri, name: 'Looker' })
    const page = await open(uri)
    const email = page.getByRole('textbox', { name: LABEL })
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.locator('#parley form.follow').screenshot({ path: `${SHOTS}/widget-follow-${scheme}.png` })
    }
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await page.getByRole('button', { name: 'Follow' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email is required')
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true')
    await email.fill('not-an-address')
    await page.getByRole('button', { name: 'Follow' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email must be a valid email address')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.locator('#parley form.follow').screenshot({ path: `${SHOTS}/widget-follow-error.png` })
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')

    const phone = await newContext(browser, { viewport: { width: 375, height: 740 } })
    const small = await open(uri, phone)
    await small.emulateMedia({ colorScheme: 'light' })
    const form = small.locator('#parley form.follow')
    await form.scrollIntoViewIfNeeded()
    const box = await form.boundingBox()
    expect(box!.width).toBeLessThanOrEqual(375)
    // Nothing sticks out sideways.
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await small.screenshot({ path: `${SHOTS}/widget-follow-375.png` })
    await phone.close()
  })
})
