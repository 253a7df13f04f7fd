import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { getSite } from '../../src/sites/site.service.js'
import { mkdirSync } from 'node:fs'
import { launchChromium } from '../helpers/browser.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

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
 * A publisher's site: a second real listener (another origin than the service) serving pages
 * that carry the snippet publishers paste. The widget talks to the service across origins.
 */
export async function startPublisher(server: TestServer) {
  const pages = new Map<string, string>()
  const http = createServer((req, res) => {
    const body = pages.get(req.url ?? '')
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
    res.end(body ?? 'not found')
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const site = await getSite(server.deps.db, 'demo')
  await server.setDemoSettings({ origins: [...site!.settings.origins, url] })
  return {
    url,
    /** Registers a page for `uri` and opens it in a new tab (`uri` may end in a `#fragment`, kept for the tab only). */
    async open(context: BrowserContext, uriAndHash: string, attrs: Record<string, string> = {}, html?: string): Promise<Page> {
      const [uri, hash] = uriAndHash.split('#') as [string, string | undefined]
      const extra = Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${v}"`)
        .join('')
      pages.set(
        `/publisher${uri}`,
        html ??
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Publisher page</title>
<style>body{font-family:serif;max-width:700px;margin:20px auto} button,input,textarea,p,h2,h3,li,a{color:red!important;background:yellow!important}</style></head>
<body><h1>A publisher article</h1><p>Text.</p>
<div id="parley" data-site="demo" data-uri="${uri}"${extra}></div>
<script src="${server.url}/embed.js" async></script></body></html>`,
      )
      const page = await context.newPage()
      await page.goto(`${url}/publisher${uri}${hash === undefined ? '' : `#${hash}`}`)
      return page
    },
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  }
}
export type Publisher = Awaited<ReturnType<typeof startPublisher>>

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

/** What every widget browser test stands on: the service, a publisher page on another origin, and Chromium. */
export async function startWidgetStage(
  shots?: string,
  serverOpts?: Parameters<typeof startTestServer>[0],
): Promise<{ server: TestServer; publisher: Publisher; browser: Browser }> {
  if (shots) mkdirSync(shots, { recursive: true })
  const server = await startTestServer(serverOpts)
  const publisher = await startPublisher(server)
  const browser = await launchChromium()
  return { server, publisher, browser }
}

export async function stopWidgetStage(stage: { server?: TestServer; publisher?: Publisher; browser?: Browser }): Promise<void> {
  await stage.browser?.close()
  await stage.publisher?.close()
  await stage.server?.close()
}

/** Whether a comment's top edge is on screen (the widget scrolled to it). */
export const inViewport = (page: Page, id: string) =>
  page.evaluate((id) => {
    const li = document.querySelector('#parley')!.shadowRoot!.getElementById(`comment-${id}`)
    if (!li) return false
    const r = li.firstElementChild!.getBoundingClientRect()
    return r.top >= 0 && r.top < innerHeight && r.height > 0
  }, id)

/** Signs the moderator server's admin in to the desk on this page; resolves on the queue. */
export async function signInToDesk(page: Page, s: { url: string; admin: { email: string; password: string } }): Promise<void> {
  await page.goto(`${s.url}/mod/login`)
  await page.getByLabel('Email').fill(s.admin.email)
  await page.getByLabel('Password').fill(s.admin.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/mod\/queue/)
}
