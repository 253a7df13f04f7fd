import { afterEach, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { createDevMailbox } from '../../src/mail/dev-mailbox.js'
import { memoryLogger } from '../../src/lib/log.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { linksIn, pathOf, postForm } from '../helpers/mail.js'

let t: TestContext
afterEach(() => t?.close())

describe('the dev mailbox', () => {
  it('keeps mail in the database, logs one line without the local part, and shows it at /dev/mail', async () => {
    const log = memoryLogger()
    t = await createTestContext({ settings: { moderationMode: 'pre', moderatorEmails: ['desk.person@news.example'] } })
    const deps = { ...t.deps, mailer: createDevMailbox(t.testDb.db, log, t.clock) }
    const { createApp } = await import('../../src/app.js')
    const app = createApp(deps)

    const res = await t.request('POST', '/api/comments', { json: newComment({ name: 'Ann', email: 'ann.private@example.org', body: 'Hello <img src=x onerror=alert(1)>' }) })
    expect(res.status).toBe(202)
    expect((await deliverDue(deps)).sent).toBe(1)
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]).toContain('mail kept in the dev mailbox')
    expect(log.lines[0]).toContain('…@news.example')
    expect(log.lines[0]).not.toContain('desk.person')

    const local = { headers: { 'x-test-ip': '127.0.0.1' } }
    // PUBLIC_URL is not localhost here: only the machine itself may look.
    expect((await app.request('/dev/mail', { headers: { 'x-test-ip': '203.0.113.9' } })).status).toBe(404)
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
    expect((await app.request(href, { headers: { 'x-test-ip': '::ffff:10.0.0.7' } })).status).toBe(404)
  })

  it('is not served with another mailer, nor in production; on localhost to anyone', async () => {
    t = await createTestContext()
    expect((await t.request('GET', '/dev/mail', { ip: '127.0.0.1' })).status).toBe(404)
    const { createApp } = await import('../../src/app.js')
    const prod = createApp({ ...t.deps, config: { ...t.deps.config, env: 'production' }, mailer: createDevMailbox(t.testDb.db, memoryLogger(), t.clock) })
    expect((await prod.request('/dev/mail', { headers: { 'x-test-ip': '127.0.0.1' } })).status).toBe(404)
    // A server whose public address is localhost is a developer's own: no IP check.
    const local = createApp({ ...t.deps, config: { ...t.deps.config, publicUrl: 'http://localhost:3000' }, mailer: createDevMailbox(t.testDb.db, memoryLogger(), t.clock) })
    expect((await local.request('/dev/mail', { headers: { 'x-test-ip': '192.168.1.20' } })).status).toBe(200)
  })
})
