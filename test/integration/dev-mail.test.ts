import type { Context } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { DEV_MAILBOX } from '../../src/mail/dev-mailbox.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { createDevMailbox } from '../../src/mail/dev-mailbox.js'
import { memoryLogger } from '../../src/lib/log.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { linksIn, pathOf, postForm } from '../helpers/mail.js'

let t: TestContext | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('the dev mailbox', () => {
  it('keeps mail in the database, logs one line without the local part, and shows it at /dev/mail', async () => {
    const log = memoryLogger()
    t = await createTestContext({ settings: { moderationMode: 'pre', moderatorEmails: ['desk.person@news.example'] } })
    // The peer's socket address comes from the x-test-socket header here (what a listener would see).
    const deps = { ...t.deps, mailer: createDevMailbox(t.testDb.db, log, t.clock), socketIp: (c: Context) => c.req.header('x-test-socket') ?? null }
    const { createApp } = await import('../../src/app.js')
    const app = createApp(deps)

    const res = await t.request('POST', '/api/comments', { json: newComment({ name: 'Ann', email: 'ann.private@example.org', body: 'Hello <img src=x onerror=alert(1)>' }) })
    expect(res.status).toBe(202)
    expect((await deliverDue(deps)).sent).toBe(1)
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]).toContain('mail kept in the dev mailbox')
    expect(log.lines[0]).toContain('…@news.example')
    expect(log.lines[0]).not.toContain('desk.person')

    const local = { headers: { 'x-test-socket': '127.0.0.1' } }
    // Only the machine itself may look.
    expect((await app.request('/dev/mail', { headers: { 'x-test-socket': '203.0.113.9' } })).status).toBe(404)
    expect((await app.request('/dev/mail')).status).toBe(404)
    const list = await app.request('/dev/mail', local)
    expect(list.status).toBe(200)
    const html = await list.text()
    expect(html).toContain('Please moderate')
    const href = /href="(\/dev\/mail\/\d+)"/.exec(html)![1]!
    const one = await app.request(href, local)
    expect(one.status).toBe(200)
    const page = await one.text()
    expect(one.headers.get('content-security-policy')).toContain("default-src 'none'")
    // The stored HTML is only inside a sandboxed srcdoc (attribute-escaped), never live in the page.
    expect(page).toMatch(/<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="[^"]*onerror=alert\(1\)/)
    expect(page).not.toContain('<img src=x')
    const srcdoc = /srcdoc="([^"]*)"/.exec(page)![1]!
    expect(srcdoc).toContain('&amp;lt;img src=x') // escaped by the template, and again for the attribute
    // The links in it work.
    const text = page.slice(page.indexOf('<pre>'))
    const approve = linksIn(text).find((u) => u.includes('/email/moderate'))!
    expect((await app.request(pathOf(approve))).status).toBe(200)
    expect((await postForm(t, approve)).status).toBe(200)
    expect((await app.request('/dev/mail/999999', local)).status).toBe(404)
    expect((await app.request(href, { headers: { 'x-test-socket': '::ffff:10.0.0.7' } })).status).toBe(404)
    expect((await app.request(href, { headers: { 'x-test-socket': '::ffff:127.0.0.1' } })).status).toBe(200)
  })

  it('is not served with another mailer, nor in production', async () => {
    t = await createTestContext()
    const socketIp = () => '127.0.0.1'
    const { createApp } = await import('../../src/app.js')
    expect((await createApp({ ...t.deps, socketIp }).request('/dev/mail')).status).toBe(404)
    const prod = createApp({ ...t.deps, socketIp, config: { ...t.deps.config, env: 'production' }, mailer: createDevMailbox(t.testDb.db, memoryLogger(), t.clock) })
    expect((await prod.request('/dev/mail')).status).toBe(404)
  })

  it('decides by the socket address alone: not by PUBLIC_URL, nor by the client address a proxy header gives', async () => {
    t = await createTestContext()
    const { createApp } = await import('../../src/app.js')
    const mailer = createDevMailbox(t.testDb.db, memoryLogger(), t.clock)
    // The default settings: PUBLIC_URL localhost, HOST 0.0.0.0 — a peer from the network.
    const config = { ...t.deps.config, publicUrl: 'http://localhost:3000' }
    // A clientIp that believes X-Forwarded-For, as TRUST_PROXY would.
    const clientIp = (c: Context) => c.req.header('x-forwarded-for') ?? null
    const fromNetwork = createApp({ ...t.deps, config, mailer, clientIp, socketIp: () => '192.168.1.20' })
    expect((await fromNetwork.request('/dev/mail')).status).toBe(404)
    expect((await fromNetwork.request('/dev/mail', { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(404)
    expect((await fromNetwork.request('/dev/mail/1', { headers: { 'x-forwarded-for': '::1' } })).status).toBe(404)
    // A runtime with no socket address (Workers): never.
    expect((await createApp({ ...t.deps, config, mailer, clientIp: () => '127.0.0.1' }).request('/dev/mail')).status).toBe(404)
    const fromHere = createApp({ ...t.deps, config, mailer, clientIp, socketIp: () => '::1' })
    expect((await fromHere.request('/dev/mail')).status).toBe(200)
  })
})

describe('the dev mailbox through a real listener', () => {
  let s: TestServer | undefined
  afterEach(async () => {
    await s?.close()
    s = undefined
  })

  it('is served to a client on 127.0.0.1 (default settings), whatever X-Forwarded-For says', async () => {
    s = await startTestServer({ nodeMailer: true })
    expect(s.deps.mailer.name).toBe(DEV_MAILBOX)
    const res = await fetch(`${s.url}/dev/mail`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Dev mailbox')
    expect((await fetch(`${s.url}/dev/mail`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200)
  })

  it('is served to the loopback socket even when TRUST_PROXY names another client address', async () => {
    s = await startTestServer({ nodeMailer: true, env: { TRUST_PROXY: '1' } })
    expect((await fetch(`${s.url}/dev/mail`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200)
  })

  it('is never served when SMTP_URL is set', async () => {
    s = await startTestServer({ nodeMailer: true, env: { SMTP_URL: 'smtp://127.0.0.1:9' } })
    expect(s.deps.mailer.name).not.toBe(DEV_MAILBOX)
    const res = await fetch(`${s.url}/dev/mail`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as any).error.code).toBe('not_found')
  })
})
