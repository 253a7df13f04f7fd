// Issue 15, items 5 and 7: links to comments, and long threads.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { skipWithoutChromium } from '../helpers/browser.js'
import type { TestServer } from '../helpers/server.js'
import { fillForm, freshUri, newContext, seedComment, type Publisher, inViewport, startWidgetStage, stopWidgetStage } from './fixtures.js'

const SHOTS = 'test-results/screenshots'
const byAuthor = (page: Page, name: string) => page.getByRole('article', { name: `Comment by ${name}`, exact: true })
/** A plain publisher page (the default one styles its own text red on yellow, which axe rightly flags). */
const plainPage = (server: TestServer, uri: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title></head>
<body><main><h1>An article</h1><div id="parley" data-site="demo" data-uri="${uri}" data-theme="auto"></div></main>
<script src="${server.url}/embed.js" async></script></body></html>`
/** What has keyboard focus, looking through the widget's shadow root. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return { tag: el?.tagName ?? '', id: el?.id ?? '', label: el?.getAttribute('aria-label') ?? '', li: el?.closest('li')?.id ?? '', text: (el?.textContent ?? '').slice(0, 60) }
  })
/** Presses Tab until the focused element's accessible name or text matches (keyboard only). */
async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (match(await focused(page))) return
  }
  throw new Error('never reached by Tab')
}

describe.skipIf(skipWithoutChromium)('links to comments and long threads (issue 15, items 5 and 7)', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  let context: BrowserContext

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage(SHOTS))
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))
  beforeEach(async () => {
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, maxDepth: 5, editWindowSeconds: 900, formPosition: 'bottom' })
    await context?.close()
    context = await newContext(browser, { permissions: ['clipboard-read', 'clipboard-write'] })
  })

  it('"Link" copies …#comment-<id> (keyboard only, named, confirmed), and the link opens that comment on a later page', async () => {
    const uri = freshUri('link')
    const tops: string[] = []
    for (let i = 0; i < 56; i++) tops.push((await seedComment(server, { uri, body: `Top ${i + 1}.`, name: `Reader ${i + 1}` })).id)
    const far = (await seedComment(server, { uri, parentId: tops[55], body: 'A reply on the second page.', name: 'Far Replier' })).id
    const page = await publisher.open(context, uri)
    await byAuthor(page, 'Reader 1').waitFor()
    // Keyboard only: Tab to the first comment's Link, Enter.
    await tabTo(page, (f) => f.label === "Copy the link to Reader 1's comment")
    await page.keyboard.press('Enter')
    await page.locator('#parley .copied').getByText('Link copied').waitFor()
    // The screen-reader status is set a moment after it is emptied (so the same words are read
    // again on a second copy): wait for it rather than read it at once.
    await expect.poll(() => page.locator('#parley .sr[role=status]').textContent(), { timeout: 5_000 }).toBe('Link copied')
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toBe(`${publisher.url}/publisher${uri}#comment-${tops[0]}`)
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-link-copied.png` })

    // The link to a reply on the second page (the API's first page has 50): loaded, shown, focused.
    await page.getByRole('button', { name: 'Load more comments' }).click()
    await byAuthor(page, 'Far Replier').getByRole('button', { name: "Copy the link to Far Replier's comment" }).click()
    const farLink = await page.evaluate(() => navigator.clipboard.readText())
    expect(farLink).toBe(`${publisher.url}/publisher${uri}#comment-${far}`)
    const p2 = await context.newPage()
    await p2.goto(farLink)
    await byAuthor(p2, 'Far Replier').waitFor()
    await expect.poll(() => inViewport(p2, far)).toBe(true)
    expect((await focused(p2)).li).toBe(`comment-${far}`)
    await expect(p2.locator(`#comment-${far} > article`).getAttribute('class')).resolves.toContain('hl')
  }, 240_000)

  it('without the Clipboard API the link is shown, selected, to copy by hand; Escape gives focus back', async () => {
    const uri = freshUri('link-fallback')
    const c = await seedComment(server, { uri, name: 'No Clipboard' })
    const plain = await newContext(browser)
    await plain.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }))
    const page = await publisher.open(plain, uri, {}, plainPage(server, uri))
    const link = byAuthor(page, 'No Clipboard').getByRole('button', { name: "Copy the link to No Clipboard's comment" })
    await link.click()
    const box = page.getByRole('textbox', { name: 'Copy this link:' })
    await expect(box.inputValue()).resolves.toBe(`${publisher.url}/publisher${uri}#comment-${c.id}`)
    expect((await focused(page)).id).toBe(`cl-${c.id}`)
    await expect(box.evaluate((i: HTMLInputElement) => [i.selectionStart, i.selectionEnd])).resolves.toEqual([0, `${publisher.url}/publisher${uri}#comment-${c.id}`.length])
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-link-fallback.png` })
    await page.keyboard.press('Escape')
    await box.waitFor({ state: 'detached' })
    await expect(link.evaluate((b) => b.matches(':focus'))).resolves.toBe(true)
    await plain.close()
  })

  it('a branch of more than 5 replies shows 5 and "Show N more replies"; the button reveals them and focus goes to the first; a link into it opens it', async () => {
    const uri = freshUri('branch')
    const parent = await seedComment(server, { uri, name: 'Busy Parent', body: 'Everyone answers me.' })
    const replies: string[] = []
    for (let i = 0; i < 8; i++) replies.push((await seedComment(server, { uri, parentId: parent.id, name: `Answer ${i + 1}`, body: `Answer ${i + 1}.` })).id)
    await seedComment(server, { uri, parentId: replies[6], name: 'Deep Under Seven', body: 'Nested in a folded reply.' })
    const phone = await newContext(browser, { viewport: { width: 375, height: 740 } })
    const page = await publisher.open(phone, uri, {}, plainPage(server, uri))
    await byAuthor(page, 'Answer 5').waitFor()
    const visible = () => page.locator(`#comment-${parent.id} > .kids > li.c:visible`).count()
    await expect(visible()).resolves.toBe(5)
    await expect(byAuthor(page, 'Answer 6').isVisible()).resolves.toBe(false)
    const more = page.getByRole('button', { name: 'Show 4 more replies' })
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await page.emulateMedia({ colorScheme: 'light' })
    await more.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/widget-branch-folded-375.png` })
    // Keyboard only: Tab to the button, Enter.
    await tabTo(page, (f) => f.text === 'Show 4 more replies')
    await page.keyboard.press('Enter')
    await expect(visible()).resolves.toBe(8)
    await more.waitFor({ state: 'detached' })
    const f = await focused(page)
    expect(f.tag).toBe('ARTICLE')
    expect(f.li).toBe(`comment-${replies[5]}`)
    await byAuthor(page, 'Deep Under Seven').waitFor()
    await page.screenshot({ path: `${SHOTS}/widget-branch-open-375.png` })

    // A link to a reply folded away: the branch opens and the reply is focused.
    const p2 = await publisher.open(phone, `${uri}#comment-${replies[7]}`)
    await byAuthor(p2, 'Answer 8').waitFor()
    await expect.poll(() => inViewport(p2, replies[7]!)).toBe(true)
    expect((await focused(p2)).li).toBe(`comment-${replies[7]}`)
    await phone.close()
  })

  it('long threads get a "Leave a Reply" link at the top that takes the reader to the form; short ones do not', async () => {
    const short = freshUri('short')
    for (let i = 0; i < 3; i++) await seedComment(server, { uri: short })
    let page = await publisher.open(context, short)
    await page.locator('#parley h2').getByText('3 Comments').waitFor()
    await expect(page.locator('#parley').getByRole('link', { name: 'Leave a Reply' }).count()).resolves.toBe(0)
    const long = freshUri('long')
    for (let i = 0; i < 10; i++) await seedComment(server, { uri: long })
    page = await publisher.open(context, long)
    await page.locator('#parley h2').getByText('10 Comments').waitFor()
    const jump = page.locator('#parley').getByRole('link', { name: 'Leave a Reply' })
    // It comes right after the heading, first in the tab order of the widget.
    await tabTo(page, (f) => f.text === 'Leave a Reply' && f.tag === 'A')
    await page.screenshot({ path: `${SHOTS}/widget-jump-link-keyboard.png` })
    await page.keyboard.press('Enter')
    expect((await focused(page)).id).toBe('pf-body')
    await expect(page.evaluate(() => location.hash)).resolves.toBe('')
    expect(await jump.count()).toBe(1)
  })

  it('formPosition "top" puts the form above the comments', async () => {
    await server.setDemoSettings({ formPosition: 'top' })
    const uri = freshUri('top')
    await seedComment(server, { uri, name: 'Below The Form' })
    const page = await publisher.open(context, uri, {}, plainPage(server, uri))
    await byAuthor(page, 'Below The Form').waitFor()
    const y = (css: string) => page.locator(`#parley ${css}`).first().evaluate((el) => el.getBoundingClientRect().top)
    expect(await y('#respond')).toBeLessThan(await y('li.c'))
    expect(await y('h2')).toBeLessThan(await y('#respond'))
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-form-top.png` })
    // A reply, then Cancel: the form goes back to the top.
    await page.getByRole('button', { name: 'Reply to Below The Form' }).click()
    await page.getByRole('button', { name: 'Cancel reply' }).click()
    expect(await y('#respond')).toBeLessThan(await y('li.c'))
  })

  it('at the deepest level Reply stays: the reply joins that level and starts with "@name"', async () => {
    await server.setDemoSettings({ maxDepth: 2 })
    const uri = freshUri('deepest')
    const parent = await seedComment(server, { uri, name: 'Top Level', body: 'Level one.' })
    const child = await seedComment(server, { uri, parentId: parent.id, name: 'Second Level', body: 'Level two, the deepest.' })
    const page = await publisher.open(context, uri)
    await byAuthor(page, 'Second Level').waitFor()
    await page.getByRole('button', { name: 'Reply to Second Level' }).click()
    const body = page.getByRole('textbox', { name: 'Comment', exact: true })
    await expect(body.inputValue()).resolves.toBe('@Second Level ')
    // The caret waits after the mention.
    await page.keyboard.type('I agree.')
    await fillForm(page, { name: 'Third Voice', email: 'third@example.org' })
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-deepest-mention.png` })
    await page.getByRole('button', { name: 'Post Comment' }).click()
    const mine = page.locator(`#comment-${parent.id} > .kids`).getByRole('article', { name: 'Comment by Third Voice' })
    await mine.waitFor()
    await expect(mine.locator('.body').textContent()).resolves.toBe('@Second Level I agree.')
    await expect(page.locator(`#comment-${child.id} .kids`).count()).resolves.toBe(0)
    // Cancel takes the untouched mention away again.
    await page.getByRole('button', { name: 'Reply to Second Level' }).click()
    await page.getByRole('button', { name: 'Cancel reply' }).click()
    await expect(body.inputValue()).resolves.toBe('')
  })
})
