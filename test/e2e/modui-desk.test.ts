import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'

const SHOTS = 'test-results/screenshots'
const URI = '/2026/11/cartels'
const TITLE = 'The Trump administration is planning operations against the cartels in Mexico'

let s: ModServer
let browser: Browser
let page: Page
let n = 0
const pageErrors: string[] = []

async function post(over: Record<string, unknown> = {}) {
  n++
  const res = await s.postComment({ uri: URI, title: TITLE, name: `Reader ${n}`, email: `reader${n}@example.org`, body: `A considered comment, number ${n}.`, ...over })
  return { status: res.status, body: (await res.json()) as { comment: { id: string }; error?: { code: string } } }
}
const statusOf = async (id: string) => (await s.deps.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const publicThread = async () => (await (await fetch(`${s.url}/api/comments?site=news&uri=${URI}`)).json()) as { comments: { id: string }[]; thread: { commentCount: number } }
const pendingCount = async () => Number(await page.locator('[data-count="pending"]').textContent())
const card = (id: string) => page.locator(`#c-${id}`)
const toast = () => page.locator('#toast-text')

describe.skipIf(skipWithoutChromium)('the moderator desk in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    s = await startModServer({ settings: { floodSeconds: 0 } })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(15_000)
    // Script errors and CSP violations show up here; the desk must have none.
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    page.on('console', (msg) => {
      // 401: a signed-out fetch; 400 on the team form: the page re-rendered with its field error.
      const expected = /401 \(Unauthorized\)/.test(msg.text()) || (/status of 400/.test(msg.text()) && /\/mod\/sites\/news\/moderators$/.test(msg.location().url))
      if (msg.type() === 'error' && !expected) pageErrors.push(`${msg.text()} ${msg.location().url}`)
    })
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('signs in', async () => {
    await page.goto(`${s.url}/mod`)
    expect(page.url()).toContain('/mod/login')
    await page.screenshot({ path: `${SHOTS}/login.png` })
    await page.getByLabel('Email').fill(s.admin.email)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('do not match')
    await page.getByLabel('Password').fill(s.admin.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(/\/mod\/queue/)
    expect(await page.locator('h1').textContent()).toBe('Moderation queue')
  })

  let linked: string
  it('shows a comment held by the link rule in Pending, with its reason', async () => {
    await post({ body: 'Background reading: first long-read', name: 'Known Reader', email: 'known@example.org' })
    const r = await post({ body: 'Sources: https://a.example/1 and https://b.example/2 and http://c.example', url: 'blog.example' })
    expect(r.status).toBe(202)
    linked = r.body.comment.id
    await page.goto(`${s.url}/mod/queue`)
    await expect.poll(() => card(linked).isVisible()).toBe(true)
    expect(await card(linked).locator('.why').textContent()).toMatch(/Held:.*link/i)
    expect(await card(linked).textContent()).toContain('http://blog.example'.replace('http://', ''))
    expect(await card(linked).locator('.badge').first().textContent()).toMatch(/^IP [0-9a-f]{6}$/)
    await page.screenshot({ path: `${SHOTS}/queue.png`, fullPage: true })
  })

  it('approves it with the keyboard; it is published and the counts change', async () => {
    const before = await pendingCount()
    expect((await publicThread()).comments.map((c) => c.id)).not.toContain(linked)
    await page.locator('body').press('j')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`c-${linked}`)
    await page.keyboard.press('a')
    await expect.poll(() => toast().textContent()).toBe('Approved 1 comment.')
    await expect.poll(() => card(linked).count()).toBe(0)
    expect(await pendingCount()).toBe(before - 1)
    // The next card has the focus, ready for the next key.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('card'))).toBe(true)
    expect(await statusOf(linked)).toBe('approved')
    const thread = await publicThread()
    expect(thread.comments.map((c) => c.id)).toContain(linked)
    expect(thread.thread.commentCount).toBe(1)
    const counts = await (await fetch(`${s.url}/api/counts?site=news&uri=${URI}`)).json()
    expect(counts.counts[0].count).toBe(1)
  })

  it('rejects with a reason', async () => {
    const r = await post()
    await page.goto(`${s.url}/mod/queue`)
    const c = card(r.body.comment.id)
    await c.getByText('Reject with a reason…').click()
    await c.getByLabel('Reason for rejecting').fill('Personal attack')
    await c.locator('details').getByRole('button', { name: 'Reject' }).click()
    await expect.poll(() => toast().textContent()).toBe('Rejected 1 comment.')
    expect(await statusOf(r.body.comment.id)).toBe('rejected')
    const audit = await s.deps.db.selectFrom('moderation_actions').select('reason').where('comment_id', '=', r.body.comment.id).where('action', '=', 'reject').executeTakeFirstOrThrow()
    expect(audit.reason).toBe('Personal attack')
  })

  it('bulk-marks three comments as spam, with select-all on the page, and can undo it', async () => {
    // Clear what is left, then three new ones are the whole page.
    await page.goto(`${s.url}/mod/queue`)
    while ((await page.locator('#queue-list .card').count()) > 0) {
      const before = await page.locator('#queue-list .card').count()
      await page.locator('body').press('j')
      await page.keyboard.press('r')
      await expect.poll(() => page.locator('#queue-list .card').count()).toBe(before - 1)
    }
    const ids = [(await post()).body.comment.id, (await post()).body.comment.id, (await post()).body.comment.id]
    await page.goto(`${s.url}/mod/queue`)
    await page.getByLabel('Select all on this page').check()
    await page.getByRole('button', { name: 'Spam selected' }).click()
    await expect.poll(() => toast().textContent()).toBe('Marked as spam 3 comments.')
    expect(await Promise.all(ids.map(statusOf))).toEqual(['spam', 'spam', 'spam'])
    expect(await pendingCount()).toBe(0)
    expect(await page.locator('[data-count="spam"]').textContent()).toBe('3')
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => page.locator('#queue-list .card').count()).toBe(3)
    expect(await Promise.all(ids.map(statusOf))).toEqual(['pending', 'pending', 'pending'])
    // And again with the keyboard: x selects, then the bulk button.
    // Undo gave the focus back to the top card: x selects, j moves on.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`c-${ids[2]}`)
    for (const key of ['x', 'j', 'x', 'j', 'x']) await page.keyboard.press(key)
    expect(await page.locator('#bulk-count').textContent()).toBe('3 selected')
    await page.getByRole('button', { name: 'Spam selected' }).click()
    await expect.poll(() => page.locator('#queue-list .card').count()).toBe(0)
    expect(await Promise.all(ids.map(statusOf))).toEqual(['spam', 'spam', 'spam'])
  })

  it('bans an author, rejecting their other comments; their next post is refused', async () => {
    const troll = { name: 'Troll', email: 'troll@example.org' }
    const a = (await post({ ...troll, body: 'First nasty remark.' })).body.comment.id
    const b = (await post({ ...troll, body: 'Second nasty remark.' })).body.comment.id
    await page.goto(`${s.url}/mod/queue`)
    await card(b).getByRole('link', { name: 'Ban author…' }).click()
    await page.waitForURL(/\/mod\/ban\?/)
    await page.getByLabel('Reason').fill('Abuse')
    await page.getByLabel('Also reject their other comments').check()
    await page.getByRole('button', { name: 'Ban', exact: true }).click()
    await page.waitForURL(/\/mod\/queue/)
    expect(await page.locator('.notice').textContent()).toContain('Rejected 2 comments of theirs')
    expect([await statusOf(a), await statusOf(b)]).toEqual(['rejected', 'rejected'])
    const again = await post({ ...troll, body: 'Trying again.' })
    expect(again.status).toBe(403)
    expect(again.body.error?.code).toBe('banned')
  })

  it('changes the moderation mode in settings, and the next post follows it', async () => {
    const held = await post()
    expect(held.status).toBe(202) // trusted: a first comment waits
    await page.goto(`${s.url}/mod/sites/news/settings`)
    await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true })
    await page.getByRole('radio', { name: /^Publish at once/ }).check()
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Settings saved.')
    expect(await page.getByRole('radio', { name: /^Publish at once/ }).isChecked()).toBe(true)
    const published = await post()
    expect(published.status).toBe(201)
    expect((await publicThread()).comments.map((c) => c.id)).toContain(published.body.comment.id)

    await page.getByRole('radio', { name: /^Hold everything/ }).check()
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Settings saved.')
    expect((await post({ name: 'Known Reader', email: 'known@example.org', body: 'Now everything waits.' })).status).toBe(202)
  })

  it('manages the site’s team by keyboard: invite, a field error, change a role, remove', async () => {
    await page.goto(`${s.url}/mod/sites/news/settings#moderators`)
    const email = page.getByLabel('Email address', { exact: true })
    // A bad address: the page comes back with the error next to the field, nothing stored.
    await email.focus()
    await page.keyboard.type('not-an-address')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#invite-email-err').textContent()).toContain('valid email')
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await email.inputValue()).toBe('not-an-address')
    await page.locator('#moderators').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/team-error.png`, fullPage: true })

    await email.fill('')
    await email.focus()
    await page.keyboard.type('new.desk@newsroom.example')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('invite-role')
    await page.keyboard.press('ArrowDown') // moderator → admin
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.notice').first().textContent()).toContain('Invited new.desk@newsroom.example as admin')
    expect(await page.locator('#flash-link').textContent()).toMatch(/\/mod\/set-password\?token=/)
    const row = page.locator('#moderators ~ .table-wrap tr', { hasText: 'new.desk@newsroom.example' })
    expect(await row.textContent()).toContain('invited, no password yet')
    const user = await s.deps.db.selectFrom('users').select('id').where('email', '=', 'new.desk@newsroom.example').executeTakeFirstOrThrow()
    const roleOf = async () => (await s.deps.db.selectFrom('site_roles').select('role').where('user_id', '=', user.id).where('site_id', '=', 'news').executeTakeFirst())?.role
    expect(await roleOf()).toBe('admin')
    await page.screenshot({ path: `${SHOTS}/team.png`, fullPage: true })

    // Change the role: the select, then its button, by keyboard.
    await page.getByLabel('Role of new.desk@newsroom.example on News Example').focus()
    await page.keyboard.press('ArrowUp') // admin → moderator
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.notice').first().textContent()).toContain('new.desk@newsroom.example is now moderator of this site.')
    expect(await roleOf()).toBe('moderator')

    await page.emulateMedia({ colorScheme: 'dark' })
    await page.locator('#moderators').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/team-dark.png` })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 375, height: 812 })
    await page.reload()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`))
    expect(overflow, wide.join(' | ')).toBeLessThanOrEqual(0)
    await page.locator('#moderators').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/team-phone.png` })
    await page.setViewportSize({ width: 1280, height: 900 })

    await page.getByRole('button', { name: 'Remove new.desk@newsroom.example from News Example' }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.notice').first().textContent()).toContain('Removed from this site’s team.')
    expect(await s.deps.db.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst()).toBeUndefined()
    // Yourself and admins of every site have no controls here.
    expect(await page.getByRole('button', { name: `Remove ${s.admin.email} from News Example` }).count()).toBe(0)
  })

  it('shows a thread as readers see it, with controls on each comment', async () => {
    await page.goto(`${s.url}/mod/threads`)
    await page.getByRole('link', { name: TITLE }).click()
    await page.waitForURL(/\/mod\/threads\/[a-z0-9]+$/)
    expect(await page.locator('#queue-list .card').count()).toBeGreaterThan(5)
    await page.screenshot({ path: `${SHOTS}/thread.png`, fullPage: true })
    // Keys work here too; the page posts and comes back with the card's new state.
    const first = page.locator('#queue-list .card').first()
    const id = (await first.getAttribute('data-id'))!
    expect(await statusOf(id)).toBe('rejected')
    await page.locator('body').press('j')
    await page.keyboard.press('a')
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Approved 1 comment.')
    expect(await statusOf(id)).toBe('approved')
    expect(await page.locator(`#c-${id} .pill.status`).textContent()).toBe('approved')
  })

  it('is usable on a 390 px phone', async () => {
    await post({ body: 'A comment for the phone view, long enough to wrap over a couple of lines on a small screen.' })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${s.url}/mod/queue`)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SHOTS}/queue-phone.png`, fullPage: true })
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('signs out, and is refused afterwards', async () => {
    await page.goto(`${s.url}/mod/queue`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/mod\/login/)
    expect(await page.locator('.notice').textContent()).toContain('You are signed out.')
    await page.goto(`${s.url}/mod/queue`)
    expect(page.url()).toContain('/mod/login?next=')
    const api = await page.request.get(`${s.url}/api/mod/queue`)
    expect(api.status()).toBe(401)
  })

  it('ran without a script error or a CSP violation', () => {
    expect(pageErrors).toEqual([])
  })
})
