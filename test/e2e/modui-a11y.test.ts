import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { fixture } from '../helpers/imports.js'
import { startModServer, type ModServer } from '../helpers/mod-server.js'
import { signToken } from '../../src/notifications/tokens.js'
import { signInToDesk } from './fixtures.js'

// axe-core over every page of the moderator desk, light and dark, with real content on each.
const SHOTS = 'test-results/screenshots'
let s: ModServer
let browser: Browser
let context: BrowserContext
let page: Page
let n = 0
const ids: Record<string, string> = {}
const pageErrors: string[] = []

async function post(over: Record<string, unknown> = {}) {
  n++
  const res = await s.postComment({ uri: '/2026/11/a11y', title: 'Accessible desks', name: `Reader ${n}`, email: `a${n}@example.org`, body: `Comment ${n}.`, ...over })
  const json = (await res.json()) as { comment: { id: string } }
  if (res.status >= 300) throw new Error(`post failed: ${res.status}`)
  return json.comment.id
}
async function act(id: string, action: string) {
  const res = await page.request.post(`${s.url}/mod/act`, { form: { one: `${id}:${action}` }, headers: { accept: 'application/json', origin: s.url } })
  expect(res.status()).toBe(200)
}
async function scan(path: string, opts: { shot?: string; ready?: (p: Page) => Promise<unknown>; on?: Page } = {}) {
  const p = opts.on ?? page
  await p.goto(s.url + path)
  await opts.ready?.(p)
  const v = await axeScanSchemes(p)
  if (opts.shot) {
    for (const scheme of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme: scheme })
      await p.screenshot({ path: `${SHOTS}/desk-${opts.shot}-${scheme}.png`, fullPage: true })
    }
  }
  return formatViolations(v)
}

describe.skipIf(skipWithoutChromium)('accessibility (axe-core) of every desk page, light and dark', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    s = await startModServer({ settings: { floodSeconds: 0 } })
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await signInToDesk(page, s)
    // Something of every kind: published with a reply, held with reasons, reported, rejected, spam, deleted, a ban.
    ids.parent = await post({ name: 'Maria Gonzalez', body: '**Coordination** matters. See [the memo](https://memo.example/1).' })
    await act(ids.parent, 'approve')
    ids.reply = await post({ name: 'Tom Becker', parentId: ids.parent, body: 'Sources: https://a.example/1 and https://b.example/2 and http://c.example', url: 'https://tom.example' })
    ids.reported = await post({ name: 'Priya N.' })
    await act(ids.reported, 'approve')
    for (const reason of ['spam', 'other']) {
      const r = await fetch(`${s.url}/api/comments/${ids.reported}/report`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': `203.0.113.${reason.length}` }, body: JSON.stringify({ reason, ...(reason === 'other' ? { details: 'Off topic' } : {}) }) })
      expect(r.status).toBeLessThan(300)
    }
    await act(await post(), 'reject')
    await act(await post(), 'spam')
    ids.gone = await post({ name: 'Gone Reader' })
    await act(ids.gone, 'approve')
    await post({ name: 'Replying To Gone', parentId: ids.gone })
    await act(ids.gone, 'delete')
    const troll = await post({ name: 'Troll', email: 'troll@example.org' })
    await page.goto(`${s.url}/mod/ban?comment=${troll}`)
    await page.getByLabel('Reason').fill('Abuse')
    await page.getByRole('button', { name: 'Ban', exact: true }).click()
    await page.waitForURL(/\/mod\/queue/)
  })
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  it('sign-in, set-password (bad link) and the 404 page', async () => {
    const anon = await browser.newContext()
    const p = await anon.newPage()
    expect(await scan('/mod/login', { on: p, shot: 'login' })).toBe('')
    await p.getByLabel('Email').fill('nobody@example.org')
    await p.getByLabel('Password').fill('wrong-password')
    await p.getByRole('button', { name: 'Sign in' }).click()
    await p.locator('#login-error').waitFor()
    expect(formatViolations(await axeScanSchemes(p))).toBe('')
    expect(await scan('/mod/set-password?token=nope', { on: p })).toBe('')
    await anon.close()
    expect(await scan('/mod/no-such-page')).toBe('')
  })

  it('the queues: pending (held reasons, replies, a deleted parent), reported, approved, rejected, spam, and after an action', async () => {
    expect(await scan('/mod/queue?queue=pending', { shot: 'queue-pending' })).toBe('')
    expect(await scan('/mod/queue?queue=reported', { shot: 'queue-reported' })).toBe('')
    for (const q of ['approved', 'rejected', 'spam']) expect(await scan(`/mod/queue?queue=${q}`), q).toBe('')
    // The toast with Undo, the keyboard help dialog, a card with focus.
    await page.goto(`${s.url}/mod/queue?queue=pending`)
    await page.locator('body').press('j')
    await page.keyboard.press('a')
    await page.locator('#toast-undo').waitFor()
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
    await page.keyboard.press('?')
    await page.locator('#keys-help[open]').waitFor()
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
    await page.keyboard.press('Escape')
    // Emptied: the well-done message.
    await page.goto(`${s.url}/mod/queue?queue=pending&q=no-such-text`)
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
  })

  it('a comment’s details with its history, the ban form and the bans list', async () => {
    expect(await scan(`/mod/comments/${ids.reply}`, { shot: 'comment' })).toBe('')
    expect(await scan(`/mod/comments/${ids.reported}`)).toBe('')
    expect(await scan(`/mod/ban?comment=${ids.reply}`)).toBe('')
    expect(await scan('/mod/bans', { shot: 'bans' })).toBe('')
  })

  it('threads, one thread, the audit log', async () => {
    expect(await scan('/mod/threads', { shot: 'threads' })).toBe('')
    const thread = (await s.deps.db.selectFrom('comments').select('thread_id').where('id', '=', ids.parent!).executeTakeFirstOrThrow()).thread_id
    expect(await scan(`/mod/threads/${thread}`, { shot: 'thread' })).toBe('')
    expect(await scan('/mod/audit', { shot: 'audit' })).toBe('')
  })

  it('settings, import (form and a checked file), privacy', async () => {
    expect(await scan('/mod/sites/news/settings', { shot: 'settings' })).toBe('')
    expect(await scan('/mod/sites/news/import', { shot: 'import' })).toBe('')
    await page.getByLabel('WordPress (WXR, .xml)').check()
    await page.getByLabel('Export file').setInputFiles(fixture('wordpress.xml'))
    await page.getByRole('button', { name: 'Upload and check' }).click()
    await page.waitForURL(/\/mod\/sites\/news\/import\/[a-z0-9]+$/)
    await expect.poll(() => page.locator('#job-state').textContent(), { timeout: 60_000 }).toContain('Checked')
    expect(formatViolations(await axeScanSchemes(page))).toBe('')
    expect(await scan('/mod/privacy', { shot: 'privacy' })).toBe('')
  })

  it('the page behind a moderation email link', async () => {
    const held = await post({ name: 'Held By Email', body: 'Please *look* at this.' })
    const token = await signToken(s.deps.keys, 'moderate', { comment: held, to: await s.deps.keys.emailKey(s.admin.email), action: 'approve' }, new Date())
    expect(await scan(`/email/moderate?token=${token}`, { shot: 'email-moderate' })).toBe('')
    await act(held, 'approve')
    expect(await scan(`/email/moderate?token=${token}`, { shot: 'email-moderate-used' })).toBe('')
  })

  it('the desk follows a dark system setting: dark page and cards, light text (and light stays light)', async () => {
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number) as [number, number, number]
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
    }
    await page.goto(`${s.url}/mod/queue?queue=reported`)
    const colors = () => page.evaluate(() => {
      const card = document.querySelector('.panel, article') ?? document.body
      const field = document.querySelector('input[type=search], input[type=text], select') ?? document.body
      return { bg: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color, card: getComputedStyle(card).backgroundColor, field: getComputedStyle(field).backgroundColor }
    })
    await page.emulateMedia({ colorScheme: 'dark' })
    const dark = await colors()
    expect(luminance(dark.bg), dark.bg).toBeLessThan(0.15)
    expect(luminance(dark.card), dark.card).toBeLessThan(0.2)
    expect(luminance(dark.field), dark.field).toBeLessThan(0.2)
    expect(luminance(dark.text), dark.text).toBeGreaterThan(0.8)
    await page.emulateMedia({ colorScheme: 'light' })
    const light = await colors()
    expect(luminance(light.bg), light.bg).toBeGreaterThan(0.9)
    expect(luminance(light.text), light.text).toBeLessThan(0.2)
  })

  it('a phone-sized screen: the queue and a comment', async () => {
    await page.setViewportSize({ width: 375, height: 800 })
    expect(await scan('/mod/queue?queue=reported', { shot: 'queue-375' })).toBe('')
    expect(await scan(`/mod/comments/${ids.reply}`, { shot: 'comment-375' })).toBe('')
    await page.setViewportSize({ width: 1280, height: 900 })
    expect(pageErrors).toEqual([])
  })
})
