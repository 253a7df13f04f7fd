import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { fillForm, newContext, seedComment } from './fixtures.js'

const widgetIsUp = (page: Page) => page.locator('#parley').getByRole('button', { name: 'Post Comment' }).waitFor()

describe.skipIf(skipWithoutChromium)('accessibility (axe-core) of the demo page and the widget, light and dark', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    server = await startTestServer()
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0 })
    browser = await launchChromium()
    const first = await seedComment(server, { name: 'Maria Gonzalez', body: 'Coordination matters. See [the designation](https://example.org/d).' })
    await seedComment(server, { name: 'Tom Becker', url: 'https://tom.example', parentId: first.id, body: 'Agreed, *mostly*.\n\n> quoted\n\n`code`' })
    await seedComment(server, { name: 'Priya N.', body: 'Thanks for the clear reporting.' })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('the demo article with its thread has no violations', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(server.url + '/')
    await widgetIsUp(page)
    await page.getByRole('link', { name: 'Tom Becker' }).waitFor()
    const v = await axeScanSchemes(page, { shadowHosts: ['#parley'] })
    expect(formatViolations(v)).toBe('')
    await context.close()
  })

  it('the widget in its interactive states (own comment, reply form, report menu, field errors) has no violations', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(server.url + '/')
    await widgetIsUp(page)
    // an own comment with Edit / Delete and a countdown, a held one, field errors, an open report menu, the reply form
    await fillForm(page, { body: 'My own comment.', name: 'Own Author', email: 'own@example.org' })
    await page.getByRole('checkbox', { name: /Notify me/ }).check()
    await page.getByRole('button', { name: 'Post Comment' }).click()
    await page.getByRole('article', { name: 'Comment by Own Author' }).waitFor()
    await page.getByRole('button', { name: 'Post Comment' }).click()
    await page.locator('#pf-body-err').waitFor()
    await page.getByRole('article', { name: 'Comment by Priya N.' }).getByRole('button', { name: /Report/ }).click()
    await page.getByRole('radio', { name: 'Something else' }).check()
    await page.getByRole('button', { name: 'Send report' }).waitFor()
    await page.getByRole('button', { name: 'Reply to Maria Gonzalez' }).click()
    const v = await axeScanSchemes(page, { shadowHosts: ['#parley'] })
    expect(formatViolations(v)).toBe('')
    await context.close()
  })

  it('a linked (highlighted, focused) comment, a phone-sized screen and the load-failure state have no violations', async () => {
    const context = await newContext(browser, { viewport: { width: 375, height: 740 } })
    const page = await context.newPage()
    const target = await seedComment(server, { name: 'Linked Reader', body: 'The one the email pointed to.' })
    await page.goto(`${server.url}/#comment-${target.id}`)
    await page.locator('#parley article.hl').waitFor()
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await context.route('**/api/comments?**', (r) => r.abort('connectionrefused'))
    await page.reload()
    await page.locator('#parley').getByRole('alert').getByText('Comments could not be loaded.').waitFor()
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await context.close()
  })
})
