import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { launchChromium, skipWithoutChromium } from '../helpers/browser.js'

// The scan helper itself must be able to fail: a page with known defects, one of them only
// inside a shadow root and one only in dark mode, behind a CSP that forbids inline script.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>axe check</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>@media (prefers-color-scheme:dark){.p{color:#444;background:#333}}</style></head>
<body><main><h1>Page</h1><p class="p">Readable in light, not in dark.</p><div id="host"></div></main></body></html>`

describe.skipIf(skipWithoutChromium)('the axe-core scan helper', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('finds a defect inside a shadow root, and a contrast defect only in dark mode, under a strict CSP', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.setContent(PAGE)
    await page.evaluate(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' })
      root.innerHTML = '<button type="button"></button>'
    })
    const v = await axeScanSchemes(page, { shadowHosts: ['#host'] })
    const ids = (scheme: string, scope: string) => v.filter((x) => x.scheme === scheme && x.scope === scope).map((x) => x.id).sort()
    expect(ids('light', 'document')).toEqual(['button-name'])
    expect(ids('light', '#host')).toEqual(['button-name'])
    expect(ids('dark', 'document')).toEqual(['button-name', 'color-contrast'])
    expect(ids('dark', '#host')).toEqual(['button-name'])
    expect(formatViolations(v)).toContain('[dark · document] color-contrast (serious)')
    expect(formatViolations([])).toBe('')
    expect(errors).toEqual([])
    await page.close()
  })
})
