import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { TestServer } from '../helpers/server.js'

let seq = 0

/** Posts a comment through the public API as another reader would (not through the widget). */
export async function seedComment(
  server: TestServer,
  over: Record<string, unknown> = {},
): Promise<{ status: number; id: string; editToken: string }> {
  seq++
  const res = await fetch(`${server.url}/api/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      site: 'demo',
      uri: '/2026/11/cartels',
      body: `A seeded comment number ${seq}, with a thought about the story.`,
      name: `Seeded Reader ${seq}`,
      email: `seeded${seq}@example.org`,
      ...over,
    }),
  })
  const data = (await res.json()) as { comment: { id: string }; editToken: string }
  if (res.status >= 300) throw new Error(`seed failed: ${res.status} ${JSON.stringify(data)}`)
  return { status: res.status, id: data.comment.id, editToken: data.editToken }
}

/**
 * A publisher's page on another origin (localhost vs the service's 127.0.0.1) carrying the
 * snippet publishers paste; Playwright serves the page itself, the widget talks to the real service.
 */
export async function openPublisherPage(
  context: BrowserContext,
  server: TestServer,
  uri: string,
  attrs: Record<string, string> = {},
): Promise<Page> {
  const port = new URL(server.url).port
  const pageUrl = `http://localhost:${port}/publisher${uri}`
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('')
  await context.route(pageUrl, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Publisher page</title>
<style>body{font-family:serif;max-width:700px;margin:20px auto} button,input,textarea,p,h2,h3,li,a{color:red!important;background:yellow!important}</style></head>
<body><h1>A publisher article</h1><p>Text.</p>
<div id="parley" data-site="demo" data-uri="${uri}"${extra}></div>
<script src="${server.url}/embed.js" async></script></body></html>`,
    }),
  )
  const page = await context.newPage()
  await page.goto(pageUrl)
  return page
}

export async function newContext(browser: Browser, opts: Parameters<Browser['newContext']>[0] = {}) {
  return browser.newContext({ viewport: { width: 1100, height: 900 }, ...opts })
}

let u = 0
/** A fresh thread per test, so tests do not see each other's comments. */
export const freshUri = (name: string) => `/2026/11/${name}-${Date.now().toString(36)}-${u++}`

export const field = (page: Page, name: 'Comment' | 'Name' | 'Email' | 'Website') =>
  page.getByRole('textbox', { name, exact: true })

export async function fillForm(page: Page, v: { body?: string; name?: string; email?: string; url?: string }) {
  if (v.body !== undefined) await field(page, 'Comment').fill(v.body)
  if (v.name !== undefined) await field(page, 'Name').fill(v.name)
  if (v.email !== undefined) await field(page, 'Email').fill(v.email)
  if (v.url !== undefined) await field(page, 'Website').fill(v.url)
}
