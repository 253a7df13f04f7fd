import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RELATED } from '../../src/demo/article.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { fillForm, newContext, seedComment } from './fixtures.js'

const SHOTS = 'test-results/screenshots'

/** WCAG contrast ratio of two rgb()/rgba() colours (alpha ignored). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const x = Number(v) / 255
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
    }) as [number, number, number]
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

describe.skipIf(skipWithoutChromium)('the demo article page', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    server = await startTestServer()
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0 })
    browser = await launchChromium()
    // A small conversation on the article, and counts on two of the related articles.
    const first = await seedComment(server, {
      name: 'Maria Gonzalez',
      body: 'Coordination with Mexico City matters more than anything announced here. Unilateral action would set back years of cooperation.',
    })
    await seedComment(server, {
      name: 'Tom Becker',
      url: 'https://tom.example',
      parentId: first.id,
      body: 'Agreed, although the piece says officials would *prefer* to coordinate. The open question is what happens if that fails.',
    })
    await seedComment(server, { name: 'Priya N.', body: 'Thanks for the clear reporting.\n\nWhere can I read the State Department designation itself?' })
    await seedComment(server, { uri: RELATED[0]!.uri })
    await seedComment(server, { uri: RELATED[0]!.uri })
    await seedComment(server, { uri: RELATED[1]!.uri })
    mkdirSync(SHOTS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('renders the seed article, the author box, related articles with live counts, and the thread', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    const countRequests: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/api/counts')) countRequests.push(r.url())
    })
    await page.goto(server.url + '/')
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'The Trump administration is planning operations against the cartels in Mexico',
    )
    await expect(page.getByText('The Trump administration has declared war on drug cartels').count()).resolves.toBe(1)
    await expect(page.locator('aside.author h3').textContent()).resolves.toBe('Ashley Davis')
    await expect(page.locator('#parley').getAttribute('data-author')).resolves.toBe('ashley-davis')
    const counts = page.locator('[data-parley-count]')
    await page.waitForFunction(() => [...document.querySelectorAll('[data-parley-count]')].every((e) => e.textContent))
    await expect(counts.allTextContents()).resolves.toEqual(['2 comments', '1 comment', 'No comments'])
    expect(countRequests).toHaveLength(1)
    await page.getByRole('link', { name: 'Tom Becker' }).waitFor()
    await expect(page.locator('#parley h2').textContent()).resolves.toBe('3 Comments')
    await expect(page.locator('#parley h3').first().textContent()).resolves.toContain('Leave a Reply')
    await context.close()
  })

  it('makes no request to any origin but the service', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    const urls: string[] = []
    page.on('request', (r) => urls.push(r.url()))
    await page.goto(server.url + '/')
    await page.getByRole('link', { name: 'Tom Becker' }).waitFor()
    await fillForm(page, { body: 'Posting from the demo page.', name: 'Origin Tester', email: 'origin@example.org' })
    await page.getByRole('button', { name: 'Post Comment' }).click()
    await page.getByText('Posting from the demo page.').waitFor()
    await page.waitForLoadState('networkidle')
    expect(urls.length).toBeGreaterThan(4)
    expect(urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== server.url)).toEqual([])
    await context.close()
  })

  it('loads every resource it asks for: no 404, the favicon included', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    const failed: string[] = []
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`)
    })
    await page.goto(server.url + '/')
    await page.getByRole('link', { name: 'Tom Becker' }).waitFor()
    await page.waitForLoadState('networkidle')
    const icon = await page.evaluate(() => (document.querySelector('link[rel=icon]') as HTMLLinkElement | null)?.href ?? '')
    expect(icon).not.toBe('')
    const res = await fetch(icon)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('image/svg+xml')
    expect((await fetch(server.url + '/favicon.ico', { redirect: 'manual' })).status).toBeLessThan(400)
    expect(failed).toEqual([])
    await context.close()
  })

  for (const scheme of ['light', 'dark'] as const) {
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      it(`lays out in ${scheme} mode on ${label} (${viewport.width} px): one centred column, the scheme's colours, readable text; screenshots saved`, async () => {
        const context = await newContext(browser, { viewport, colorScheme: scheme, deviceScaleFactor: 1 })
        const page = await context.newPage()
        await page.goto(server.url + '/')
        await page.getByRole('link', { name: 'Tom Becker' }).waitFor()
        await page.waitForLoadState('networkidle')
        // Nothing is wider than the viewport (no sideways scrolling on a phone).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(overflow).toBeLessThanOrEqual(0)
        await page.screenshot({ path: `${SHOTS}/demo-${scheme}-${label}-top.png` })
        await page.locator('#parley').scrollIntoViewIfNeeded()
        // Avatars load lazily: wait until the ones on screen have arrived.
        await page.waitForFunction(() =>
          [...document.querySelector('#parley')!.shadowRoot!.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0),
        )
        const facts = await page.evaluate(() => {
          const box = (el: Element) => {
            const r = el.getBoundingClientRect()
            return { left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width), top: r.top + scrollY, bottom: r.bottom + scrollY }
          }
          const host = document.querySelector('#parley')!
          const root = host.shadowRoot!
          const comments = [...root.querySelectorAll('li.c')].map((li) => li.firstElementChild!)
          const commentText = root.querySelector('li.c .body, li.c p') ?? comments[0]!
          return {
            innerWidth,
            paper: getComputedStyle(document.body).backgroundColor,
            ink: getComputedStyle(document.body).color,
            fontSize: getComputedStyle(document.body).fontSize,
            nav: getComputedStyle(document.querySelector('.mast nav')!).display,
            main: box(document.querySelector('main')!),
            article: box(document.querySelector('article') ?? document.querySelector('h1')!),
            widget: box(host),
            widgetText: getComputedStyle(commentText).color,
            widgetBg: getComputedStyle(host).backgroundColor,
            avatars: [...root.querySelectorAll('img')].map((i) => ({ w: Math.round(i.getBoundingClientRect().width), h: Math.round(i.getBoundingClientRect().height) })),
            comments: comments.map(box),
          }
        })
        // The page's own palette for the scheme (src/demo/routes.ts), and the widget follows it (data-theme=auto).
        const palette = scheme === 'light' ? { paper: 'rgb(253, 252, 249)', ink: 'rgb(26, 26, 26)' } : { paper: 'rgb(18, 18, 18)', ink: 'rgb(233, 231, 226)' }
        expect({ paper: facts.paper, ink: facts.ink }).toEqual(palette)
        expect(facts.widgetBg).toBe('rgba(0, 0, 0, 0)')
        expect(contrast(facts.widgetText, facts.paper), `widget text ${facts.widgetText} on ${facts.paper}`).toBeGreaterThanOrEqual(4.5)
        expect(contrast(facts.ink, facts.paper)).toBeGreaterThanOrEqual(7)
        if (label === 'desktop') {
          // One 720 px column in the middle, the masthead's sections shown.
          expect(facts.main.width).toBe(720)
          expect(Math.abs(facts.main.left - (facts.innerWidth - facts.main.right))).toBeLessThanOrEqual(1)
          expect(facts.fontSize).toBe('18px')
          expect(facts.nav).toBe('flex')
        } else {
          // The full width, 16 px gutters, a slightly smaller type, no masthead sections.
          expect(facts.main.width).toBe(facts.innerWidth)
          expect(facts.fontSize).toBe('17px')
          expect(facts.nav).toBe('none')
        }
        // The widget sits in the article's column, never wider.
        expect(facts.widget.left).toBeGreaterThanOrEqual(facts.article.left)
        expect(facts.widget.right).toBeLessThanOrEqual(facts.article.right)
        expect(facts.widget.width).toBeGreaterThan(facts.innerWidth < 500 ? facts.innerWidth - 40 : 600)
        // Square avatars of one size; comments stacked without overlapping, each inside the widget.
        expect(facts.avatars.length).toBeGreaterThanOrEqual(3)
        for (const a of facts.avatars) expect(a).toEqual(facts.avatars[0])
        expect(facts.avatars[0]!.w).toBe(facts.avatars[0]!.h)
        expect(facts.avatars[0]!.w).toBeGreaterThanOrEqual(24)
        const tops = [...facts.comments].sort((a, b) => a.top - b.top)
        for (let i = 1; i < tops.length; i++) expect(tops[i]!.top).toBeGreaterThanOrEqual(tops[i - 1]!.bottom - 1)
        for (const c of facts.comments) {
          expect(c.left).toBeGreaterThanOrEqual(facts.widget.left)
          expect(c.right).toBeLessThanOrEqual(facts.widget.right)
        }
        await page.screenshot({ path: `${SHOTS}/demo-${scheme}-${label}.png`, fullPage: true })
        await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-${scheme}-${label}.png` })
        await context.close()
      })
    }
  }
})
