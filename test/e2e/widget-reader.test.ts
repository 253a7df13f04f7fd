// Issue 14, items 1–9: what a reader hits first, in a real browser.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { skipWithoutChromium } from '../helpers/browser.js'
import type { TestServer } from '../helpers/server.js'
import { field, fillForm, freshUri, newContext, seedComment, type Publisher, inViewport, startWidgetStage, stopWidgetStage } from './fixtures.js'

const SHOTS = 'test-results/screenshots'
const postButton = (page: Page) => page.getByRole('button', { name: 'Post Comment' })
const byAuthor = (page: Page, name: string) => page.getByRole('article', { name: `Comment by ${name}` })
const heading = (page: Page) => page.locator('#parley h2')
/** What has keyboard focus, looking through the widget's shadow root. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return { tag: el?.tagName ?? '', id: el?.id ?? '', label: el?.getAttribute('aria-label') ?? '', li: el?.closest('li')?.id ?? '', text: (el?.textContent ?? '').slice(0, 60) }
  })
/** Top-level comment ids in the order the widget shows them. */
const shownTopIds = (page: Page) =>
  page.evaluate(() => [...document.querySelector('#parley')!.shadowRoot!.querySelectorAll('li.c')].filter((li) => !li.parentElement!.classList.contains('kids')).map((li) => li.id.replace('comment-', '')))
/** Every top-level id of a thread, in the API's order. */
async function apiTopIds(server: TestServer, uri: string): Promise<string[]> {
  const out: string[] = []
  let cursor: string | null = null
  do {
    const res = await fetch(`${server.url}/api/comments?site=demo&uri=${uri}&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
    const page = (await res.json()) as { comments: { id: string; depth: number }[]; nextCursor: string | null }
    out.push(...page.comments.filter((c) => c.depth === 0).map((c) => c.id))
    cursor = page.nextCursor
  } while (cursor)
  return out
}

describe.skipIf(skipWithoutChromium)('the widget, as a reader meets it (issue 14)', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher
  let context: BrowserContext

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage(SHOTS))
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))
  beforeEach(async () => {
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, maxDepth: 5, editWindowSeconds: 900 })
    await context?.close()
    context = await newContext(browser)
  })

  it('1. Edit after a reload starts from the Markdown the reader wrote, and saves', async () => {
    const uri = freshUri('edit-reload')
    const page = await publisher.open(context, uri)
    const source = 'Original **bold** text with [a link](https://example.org/x).\n\n> a quote\n\n- one\n- two'
    await fillForm(page, { body: source, name: 'Edit Reloader', email: 'reload@example.org' })
    await postButton(page).click()
    await byAuthor(page, 'Edit Reloader').waitFor()
    for (let round = 0; round < 2; round++) {
      await page.reload()
      const art = byAuthor(page, 'Edit Reloader')
      await art.getByRole('button', { name: /^Edit/ }).click()
      const box = page.getByRole('textbox', { name: 'Edit your comment' })
      await expect(box.inputValue()).resolves.toBe(source)
      await page.getByRole('button', { name: 'Save', exact: true }).click()
      await page.getByText('Your comment was updated.').waitFor()
      await art.locator('.body strong').getByText('bold').waitFor()
    }
  })

  it('a second Enter after Delete deletes nothing: the question takes focus, Escape keeps the comment', async () => {
    const uri = freshUri('delete-keys')
    const page = await publisher.open(context, uri)
    await fillForm(page, { body: 'Keep me.', name: 'Careful Deleter', email: 'careful@example.org' })
    await postButton(page).click()
    const art = byAuthor(page, 'Careful Deleter')
    await art.waitFor()
    const del = art.getByRole('button', { name: 'Delete', exact: true })
    await del.focus()
    await page.keyboard.press('Enter')
    const group = page.getByRole('group', { name: 'Delete this comment?' })
    await group.waitFor()
    await page.keyboard.press('Enter')
    await page.waitForTimeout(300)
    await expect(art.count()).resolves.toBe(1)
    expect((await focused(page)).label).toBe('Delete this comment?')
    await page.keyboard.press('Escape')
    await group.waitFor({ state: 'detached' })
    await expect(art.getByText('Keep me.').count()).resolves.toBe(1)
  })

  it('2. a link to #comment-<id> loads its page, scrolls to it, highlights and focuses it; says so when it is held, gone or unknown; follows hashchange', async () => {
    const uri = freshUri('deep-link')
    const tops: string[] = []
    for (let i = 0; i < 120; i++) tops.push((await seedComment(server, { uri, body: `Top ${i + 1}.`, name: `Reader ${i + 1}` })).id)
    const reply = (await seedComment(server, { uri, parentId: tops[110], body: 'A reply far down.', name: 'Late Replier' })).id
    const page = await publisher.open(context, uri + '#comment-' + reply)
    await byAuthor(page, 'Late Replier').waitFor()
    await expect.poll(() => inViewport(page, reply)).toBe(true)
    const f = await focused(page)
    expect(f.li).toBe(`comment-${reply}`)
    expect(f.tag).toBe('ARTICLE')
    await expect(page.locator(`#comment-${reply} > article`).getAttribute('class')).resolves.toContain('hl')
    // Everything before it is there, in order, once: the thread stays whole.
    const shown = await shownTopIds(page)
    expect(shown).toEqual(tops.slice(0, shown.length))
    expect(shown.length).toBeGreaterThan(110)
    await page.screenshot({ path: `${SHOTS}/widget-linked-comment.png` })

    // hashchange on the same page, back to the first page.
    await page.evaluate((id) => (location.hash = `#comment-${id}`), tops[2])
    await expect.poll(() => inViewport(page, tops[2]!)).toBe(true)
    await expect(page.locator(`#comment-${tops[2]} > article`).getAttribute('class')).resolves.toContain('hl')
    await expect(page.locator(`#comment-${reply} > article`).getAttribute('class')).resolves.not.toContain('hl')

    const held = await seedComment(server, { uri, body: 'Held for now.' })
    await server.deps.db.updateTable('comments').set({ status: 'pending' }).where('id', '=', held.id).execute()
    const gone = await seedComment(server, { uri, body: 'Soon rejected.' })
    await server.deps.db.transaction().execute((trx) => applyModerationAction(trx, server.deps, { ids: [gone.id], action: 'reject', actor: null }))
    const status = page.locator('#parley [role=status]').filter({ hasText: /linked/ })
    await page.evaluate((id) => (location.hash = `#comment-${id}`), held.id)
    await expect.poll(() => status.textContent()).toBe('The linked comment is awaiting moderation.')
    await page.evaluate((id) => (location.hash = `#comment-${id}`), gone.id)
    await expect.poll(() => status.textContent()).toBe('The linked comment is no longer available.')
    await page.evaluate(() => (location.hash = '#comment-nosuchcomment0'))
    await expect.poll(() => status.textContent()).toBe('The linked comment could not be found on this page.')

    // A fresh load straight onto a held comment says so too.
    const p2 = await publisher.open(context, uri + '#comment-' + held.id)
    await p2.locator('#parley [role=status]').getByText('The linked comment is awaiting moderation.').waitFor()
    await p2.close()
  })

  it('3 and 4. posting, then "Load more", keeps the thread’s order without duplicates; focus goes to the first new comment', async () => {
    const uri = freshUri('order')
    const tops: string[] = []
    for (let i = 0; i < 110; i++) tops.push((await seedComment(server, { uri, body: `Top ${i + 1}.` })).id)
    for (let i = 0; i < 100; i++) await seedComment(server, { uri, parentId: tops[i % 40], body: `Reply ${i + 1}.` })
    const page = await publisher.open(context, uri)
    await page.getByText('Top 50.', { exact: true }).waitFor()
    await fillForm(page, { body: 'The newest word.', name: 'Late Poster', email: 'late@example.org' })
    await postButton(page).click()
    await byAuthor(page, 'Late Poster').waitFor()
    // Keyboard: focus Load more, press Enter; focus lands on the first comment that came in.
    const more = page.getByRole('button', { name: 'Load more comments' })
    await more.focus()
    await page.keyboard.press('Enter')
    await page.getByText('Top 51.', { exact: true }).waitFor()
    const f = await focused(page)
    expect(f.tag).toBe('ARTICLE')
    expect(f.li).toBe(`comment-${tops[50]}`)
    await page.screenshot({ path: `${SHOTS}/widget-load-more-focus.png` })
    await more.focus()
    await page.keyboard.press('Enter')
    await page.getByText('Top 110.', { exact: true }).waitFor()
    await expect(more.isVisible()).resolves.toBe(false)
    expect((await focused(page)).li).toBe(`comment-${tops[100]}`)
    const shown = await shownTopIds(page)
    expect(new Set(shown).size).toBe(shown.length)
    expect(shown).toEqual(await apiTopIds(server, uri))
    expect(shown.at(-1)).not.toBe(tops.at(-1))
    await expect(page.locator('#parley li.c').count()).resolves.toBe(211)
  })

  it('5. when the API is down, says only that comments could not be loaded, with a working Retry', async () => {
    const uri = freshUri('down')
    await seedComment(server, { uri, name: 'Patient Reader' })
    let down = true
    await context.route(`${server.url}/api/comments?**`, (route) => (down ? route.abort('connectionrefused') : route.continue()))
    const page = await publisher.open(context, uri)
    const alert = page.locator('#parley').getByRole('alert')
    await alert.getByText('Comments could not be loaded.').waitFor()
    await page.waitForTimeout(300)
    await expect(page.locator('#parley').getByText('No comments yet').count()).resolves.toBe(0)
    await expect(heading(page).isVisible()).resolves.toBe(false)
    await expect(postButton(page).count()).resolves.toBe(0)
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-load-failed.png` })
    down = false
    await page.locator('#parley').getByRole('button', { name: 'Retry' }).click()
    await byAuthor(page, 'Patient Reader').waitFor()
    await expect(heading(page).textContent()).resolves.toBe('1 Comment')
    await expect(page.locator('#parley').getByText('Comments could not be loaded.').count()).resolves.toBe(0)
    await context.unrouteAll()

    // A 503 from the service: the same.
    await context.route(`${server.url}/api/comments?**`, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The database does not answer.' } }) }),
    )
    const p2 = await publisher.open(context, uri)
    await p2.locator('#parley').getByRole('alert').getByText('Comments could not be loaded.').waitFor()
    await expect(p2.locator('#parley').getByText('No comments yet').count()).resolves.toBe(0)
    await context.unrouteAll()
  })

  it('6. after posting with "Notify me" ticked, says a confirmation email is on its way (and it is)', async () => {
    const uri = freshUri('notify')
    const page = await publisher.open(context, uri)
    await fillForm(page, { body: 'Tell me about replies.', name: 'Notify Reader', email: 'notify-me@example.org' })
    await page.getByRole('checkbox', { name: /Notify me/ }).check()
    await postButton(page).click()
    const msg = page.locator('#respond [role=status]')
    await expect.poll(() => msg.textContent()).toContain('Your comment has been published.')
    await expect(msg.textContent()).resolves.toContain('Unless you have confirmed this address before, look for our email and confirm it to get replies by email.')
    const mails = await server.deps.db.selectFrom('email_outbox').select(['kind', 'to_address']).where('kind', '=', 'confirm_address').execute()
    expect(mails.map((m) => m.to_address)).toContain('notify-me@example.org')
    // Without the box ticked, no such promise.
    await fillForm(page, { body: 'No emails please.' })
    await page.getByRole('checkbox', { name: /Notify me/ }).uncheck()
    await postButton(page).click()
    await expect.poll(() => msg.textContent()).toBe('Your comment has been published.')
    // Ticked without an email address (a site that does not require one): told, not posted.
    await server.setDemoSettings({ requireNameEmail: false })
    const p2 = await publisher.open(context, freshUri('notify-no-email'))
    await fillForm(p2, { body: 'Notify me, but who am I?' })
    await p2.getByRole('checkbox', { name: /Notify me/ }).check()
    await postButton(p2).click()
    await p2.locator('#pf-email-err').getByText('Email is needed for reply notifications').waitFor()
    await server.setDemoSettings({ requireNameEmail: true })
  })

  it('7. per-theme colours: plain --parley-* are the light theme, --parley-dark-* the dark one; color-scheme follows', async () => {
    const uri = freshUri('theme')
    const colours = (page: Page) =>
      page.evaluate(() => {
        const host = document.querySelector('#parley')!
        const root = host.shadowRoot!
        const cs = getComputedStyle(host)
        const box = root.querySelector('input[type=checkbox]')!
        return { bg: cs.backgroundColor, text: cs.color, scheme: getComputedStyle(box).colorScheme, button: getComputedStyle(root.querySelector('button[type=submit]')!).backgroundColor }
      })
    const cream = '--parley-bg: rgb(253, 246, 227); --parley-text: rgb(59, 59, 59); --parley-accent: rgb(1, 2, 3)'
    // A light page's custom colours, with data-theme=dark: the dark palette, not near-white on cream.
    let page = await publisher.open(context, uri, { 'data-theme': 'dark', style: cream })
    await postButton(page).waitFor()
    expect(await colours(page)).toEqual({ bg: 'rgb(23, 24, 26)', text: 'rgb(236, 236, 236)', scheme: 'dark', button: 'rgb(138, 180, 248)' })
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-theme-dark-over-light-vars.png` })
    await page.close()
    page = await publisher.open(context, uri, { 'data-theme': 'dark', style: `${cream}; --parley-dark-bg: rgb(0, 0, 40); --parley-dark-accent: rgb(4, 5, 6)` })
    await postButton(page).waitFor()
    expect(await colours(page)).toMatchObject({ bg: 'rgb(0, 0, 40)', text: 'rgb(236, 236, 236)', scheme: 'dark', button: 'rgb(4, 5, 6)' })
    await page.close()
    // Light: the plain variables, as before; --parley-light-* win over them.
    page = await publisher.open(context, uri, { 'data-theme': 'light', style: `${cream}; --parley-light-accent: rgb(7, 8, 9)` })
    await postButton(page).waitFor()
    expect(await colours(page)).toEqual({ bg: 'rgb(253, 246, 227)', text: 'rgb(59, 59, 59)', scheme: 'light', button: 'rgb(7, 8, 9)' })
    await page.close()
    // auto follows the reader's preference, colour scheme included.
    const dark = await newContext(browser, { colorScheme: 'dark' })
    page = await publisher.open(dark, uri, { 'data-theme': 'auto', style: cream })
    await postButton(page).waitFor()
    expect(await colours(page)).toMatchObject({ bg: 'rgb(23, 24, 26)', scheme: 'dark' })
    await dark.close()
  })

  it('8. the report menu names whose comment it reports, needs a choice and Send, takes details for "Something else", and Escape returns focus', async () => {
    const uri = freshUri('report')
    const target = await seedComment(server, { uri, name: 'Ann Example' })
    const page = await publisher.open(context, uri)
    const reportBtn = page.getByRole('button', { name: "Report Ann Example's comment" })
    await reportBtn.focus()
    await page.keyboard.press('Enter')
    const menu = page.getByRole('group', { name: "Why are you reporting Ann Example's comment?" })
    await menu.waitFor()
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-report-menu-keyboard.png` })
    // A second Enter files nothing: focus is on the menu, not on a reason.
    expect((await focused(page)).tag).not.toBe('BUTTON')
    await page.keyboard.press('Enter')
    await page.waitForTimeout(300)
    const reports = () => server.deps.db.selectFrom('reports').select(['reason', 'details']).where('comment_id', '=', target.id).execute()
    expect(await reports()).toEqual([])
    // Escape closes and gives focus back to the Report button.
    await page.keyboard.press('Escape')
    await menu.waitFor({ state: 'detached' })
    await expect(reportBtn.evaluate((b) => b.matches(':focus'))).resolves.toBe(true)
    await expect(reportBtn.getAttribute('aria-expanded')).resolves.toBe('false')

    await reportBtn.click()
    const radios = await menu.getByRole('radio').evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent))
    expect(radios).toEqual(['Spam', 'Abusive', 'Offensive', 'Something else'])
    // Send without a choice: told to choose, nothing filed.
    await menu.getByRole('button', { name: 'Send report' }).click()
    await menu.getByRole('alert').getByText('Choose a reason.').waitFor()
    expect(await reports()).toEqual([])
    await expect(menu.getByRole('textbox').count()).resolves.toBe(0)
    await menu.getByRole('radio', { name: 'Something else' }).check()
    const details = menu.getByRole('textbox', { name: 'What is wrong with it?' })
    await details.fill('Copies another site word for word.')
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-report-menu.png` })
    await menu.getByRole('button', { name: 'Send report' }).click()
    await page.getByText('Thank you. A moderator will take a look.').waitFor()
    expect(await reports()).toEqual([{ reason: 'other', details: 'Copies another site word for word.' }])
    // Focus stays somewhere sensible (the thank-you note), not on <body>.
    expect((await focused(page)).text).toContain('Thank you')
  })

  it('9. images in Markdown become links with their alt text; at 375 px the actions are 44 px tall and checkboxes 24 px', async () => {
    const uri = freshUri('small')
    await server.setDemoSettings({ maxLinks: 5 })
    const parent = await seedComment(server, { uri, name: 'Picture Poster', body: 'Look: ![a red fox](https://example.org/fox.jpg) and ![](https://example.org/bare.png)' })
    const phone = await newContext(browser, { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 })
    const page = await publisher.open(phone, uri)
    const art = byAuthor(page, 'Picture Poster')
    await art.waitFor()
    await expect(art.locator('.body').textContent()).resolves.toBe('Look: a red fox and https://example.org/bare.png')
    await expect(art.getByRole('link', { name: 'a red fox' }).getAttribute('href')).resolves.toBe('https://example.org/fox.jpg')
    await fillForm(page, { body: 'Mine.', name: 'Small Screen', email: 'small@example.org' })
    await postButton(page).click()
    await byAuthor(page, 'Small Screen').waitFor()
    const sizes = await page.evaluate(() => {
      const root = document.querySelector('#parley')!.shadowRoot!
      const h = (el: Element) => Math.round(el.getBoundingClientRect().height)
      const w = (el: Element) => Math.round(el.getBoundingClientRect().width)
      return {
        actions: [...root.querySelectorAll('.acts button')].map((b) => [b.classList.contains('vote') ? 'vote' : b.textContent, h(b)]),
        checkboxes: [...root.querySelectorAll('input[type=checkbox]')].map((b) => [h(b), w(b)]),
        post: h(root.querySelector('button[type=submit]')!),
      }
    })
    expect(sizes.actions.map((a) => a[0]).sort()).toEqual(['Delete', 'Edit', 'Link', 'Link', 'Reply', 'Reply', 'Report', 'vote'])
    for (const [name, height] of sizes.actions) expect(height, String(name)).toBeGreaterThanOrEqual(44)
    for (const [hh, ww] of sizes.checkboxes) expect(Math.min(hh!, ww!)).toBeGreaterThanOrEqual(24)
    expect(sizes.post).toBeGreaterThanOrEqual(44)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-375.png` })
    expect(parent.id).toBeTruthy()
    await phone.close()
  })
})
