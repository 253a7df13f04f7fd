import type { KyselyPlugin } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import type { Deps } from '../../src/deps.js'
import { createSmtpMailer } from '../../src/mail/smtp.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { ensureSubscription } from '../../src/notifications/subscriptions.repository.js'
import { PRIVACY_REQUESTS_PER_IP_HOUR } from '../../src/privacy/privacy.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'
import { dumpDatabase } from '../helpers/dump.js'
import { linksIn, pathOf } from '../helpers/mail.js'
import { startSmtp } from '../helpers/smtp.js'

let t: TestContext
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await t?.close()
})

const KNOWN = 'Known.Reader@Example.org'
const SUBSCRIBED = 'only.subscribed@example.org'
const UNKNOWN = 'never.commented@example.org'

async function setup() {
  const smtp = await startSmtp()
  const mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 2000 })
  cleanups.push(() => smtp.stop(), async () => mailer.close?.())
  t = await createTestContext({ settings: { moderationMode: 'post' }, deps: { mailer } })
  expect((await t.request('POST', '/api/comments', { json: newComment({ email: KNOWN, name: 'Known Reader', body: 'I was here.' }) })).status).toBe(201)
  await ensureSubscription(t.deps.db, { siteId: 'news', emailKey: await t.deps.keys.emailKey(SUBSCRIBED), email: SUBSCRIBED, now: t.clock.now() })
  const drain = async () => {
    for (let i = 0; i < 20 && (await deliverDue(t.deps, { limit: 50 })).claimed > 0; i++);
  }
  return { smtp, drain }
}

/** Counts every statement the app sends to the database. */
function counting(deps: Deps) {
  const counter = { n: 0 }
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      counter.n++
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  return { app: createApp({ ...deps, db: deps.db.withPlugin(plugin) }), counter }
}

const ask = (email: string, ip?: string) => t.request('POST', '/api/privacy/requests', { json: { site: 'news', email }, ...(ip ? { ip } : {}) })
const askPage = (email: string) =>
  t.request('POST', '/privacy', { body: new URLSearchParams({ site: 'news', email }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
const headersOf = (res: Response) => [...res.headers.entries()].filter(([k]) => k !== 'date').sort()

describe('asking for a privacy link', { timeout: 90_000 }, () => {
  it('answers the same for known and unknown addresses, with the same work, and mails only the known ones', async () => {
    const { smtp, drain } = await setup()
    const answers = []
    for (const email of [KNOWN, UNKNOWN, SUBSCRIBED, KNOWN.toUpperCase().replace('@EXAMPLE.ORG', '@example.org')]) {
      const res = await ask(email)
      answers.push({ status: res.status, headers: headersOf(res), body: await res.text() })
    }
    expect(answers[0]).toEqual({ status: 202, headers: answers[0]!.headers, body: '{"ok":true}' })
    for (const a of answers) expect(a).toEqual(answers[0])
    // The HTML form answers one page for everyone too.
    const pages = [await askPage(KNOWN), await askPage(UNKNOWN)]
    expect(pages.map((p) => p.status)).toEqual([200, 200])
    const [known, unknown] = await Promise.all(pages.map((p) => p.text()))
    expect(known).toBe(unknown)
    expect(known).toContain('Check your inbox')

    // The same statements in the same order whether or not the address is known.
    const { app, counter } = counting(t.deps)
    const counts: number[] = []
    for (const [email, commented] of [['a.new.known@example.org', true], ['a.new.stranger@example.org', false]] as const) {
      if (commented) await t.request('POST', '/api/comments', { json: newComment({ email }) })
      t.clock.advanceSeconds(1)
      counter.n = 0
      const res = await app.request('/api/privacy/requests', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': '192.0.2.50' }, body: JSON.stringify({ site: 'news', email }) })
      expect(res.status).toBe(202)
      counts.push(counter.n)
    }
    expect(counts[0]).toBeGreaterThan(0)
    expect(counts[0]).toBe(counts[1])

    await drain()
    // Mail only for addresses the site knows (KNOWN once: at most one an hour, whatever its case).
    expect(smtp.received.map((r) => r.envelopeTo.join(',').toLowerCase()).sort()).toEqual(['a.new.known@example.org', KNOWN.toLowerCase(), SUBSCRIBED])
    const mail = smtp.received.find((r) => r.envelopeTo[0]!.toLowerCase() === KNOWN.toLowerCase())!
    expect(mail.mail.subject).toBe('[News Example] Your comments and data')
    const link = linksIn(mail.mail.text ?? '').find((u) => new URL(u).pathname === '/privacy/manage')!
    expect(link).toMatch(/^http:\/\/parley\.test\/privacy\/manage\?token=[A-Za-z0-9_.-]+$/)
    expect(mail.mail.html).toContain(`href="${link}"`)
    expect(link.toLowerCase()).not.toContain('known')

    // The link shows her comment, and opening it changes nothing.
    const before = JSON.stringify(await dumpDatabase(t.deps.db))
    const page = await t.request('GET', pathOf(link))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('I was here.')
    expect(html).toContain('Download (JSON)')
    expect(html).toContain('Stop all emails')
    expect(html).toContain('Erase everything')
    expect(html.toLowerCase()).not.toContain(KNOWN.toLowerCase())
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('referrer-policy')).toBe('same-origin')
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'sha256-/)
    expect(JSON.stringify(await dumpDatabase(t.deps.db))).toBe(before)
  })

  it('sends at most one email an hour to an address, and rate limits each IP alike for known and unknown', async () => {
    const { smtp, drain } = await setup()
    expect((await ask(KNOWN)).status).toBe(202)
    t.clock.advance(59 * 60_000)
    expect((await ask(KNOWN)).status).toBe(202)
    await drain()
    expect(smtp.received).toHaveLength(1)
    t.clock.advance(2 * 60_000)
    expect((await ask(KNOWN)).status).toBe(202)
    await drain()
    expect(smtp.received).toHaveLength(2)

    // One network, many requests: the limit hits known and unknown addresses the same way.
    for (let i = 0; i < PRIVACY_REQUESTS_PER_IP_HOUR; i++) expect((await ask(i % 2 ? KNOWN : `x${i}@example.org`, '192.0.2.7')).status).toBe(202)
    for (const email of [KNOWN, UNKNOWN]) {
      const res = await ask(email, '192.0.2.7')
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(((await res.json()) as any).error.code).toBe('rate_limited')
    }
    const page = await t.request('POST', '/privacy', { ip: '192.0.2.7', body: new URLSearchParams({ site: 'news', email: UNKNOWN }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(page.status).toBe(429)
    expect(await page.text()).toContain('Too many requests')
    // Another network is not held back.
    expect((await ask(UNKNOWN, '192.0.2.8')).status).toBe(202)
    t.clock.advance(61 * 60_000)
    expect((await ask(UNKNOWN, '192.0.2.7')).status).toBe(202)
  })

  it('refuses bad input clearly and stores nothing', async () => {
    await setup()
    const bad = [
      [{ site: 'news', email: 'not-an-address' }, 400, 'email'],
      [{ site: 'news' }, 400, 'email'],
      [{ site: 'NO SUCH', email: KNOWN }, 400, 'site'],
    ] as const
    for (const [json, status, field] of bad) {
      const res = await t.request('POST', '/api/privacy/requests', { json })
      expect(res.status).toBe(status)
      const body = (await res.json()) as any
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.fields.map((f: any) => f.path)).toContain(field)
    }
    expect((await t.request('POST', '/api/privacy/requests', { json: { site: 'nosuch', email: KNOWN } })).status).toBe(404)
    const form = await t.request('POST', '/api/privacy/requests', { body: 'site=news&email=a%40b.org', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(form.status).toBe(415)
    expect((await t.request('GET', '/privacy?site=nosuch')).status).toBe(404)
    expect((await t.request('GET', '/privacy')).status).toBe(404)
    const page = await askPage('nope')
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('The email address must be a valid email address.')
    expect(await t.deps.db.selectFrom('privacy_requests').select('id').execute()).toEqual([])
    // The site's own pages may ask from their origin; others may not.
    const ok = await t.request('POST', '/api/privacy/requests', { json: { site: 'news', email: UNKNOWN }, headers: { origin: NEWS_ORIGIN } })
    expect(ok.status).toBe(202)
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    expect((await t.request('POST', '/api/privacy/requests', { json: { site: 'news', email: UNKNOWN }, headers: { origin: 'https://evil.example' } })).status).toBe(403)
  })

  it('shows the request page with the site’s retention, and links it from the widget and every commenter email', async () => {
    await setup()
    const res = await t.request('GET', '/privacy?site=news')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('News Example')
    expect(html).toContain('<label for="email">Email address</label>')
    expect(html).toContain('Comments marked as spam are deleted after 30 days.')
    expect(html).toContain('IP fingerprints and browser names are removed after 90 days.')
    const widget = await (await t.request('GET', '/embed.js')).text()
    expect(widget).toContain('/privacy?site=')
  })
})
