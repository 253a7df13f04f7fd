import { afterEach, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { addUser, deliverAll, linksIn, linkTo, moderate, pathOf, postForm } from '../helpers/mail.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { signToken } from '../../src/notifications/tokens.js'
import type { OutgoingMail } from '../../src/mail/mailer.js'
import { jsonb } from '../../src/db/index.js'

let t: TestContext
afterEach(() => t?.close())

async function ctx(settings: Partial<SiteSettings> = {}) {
  t = await createTestContext({ settings })
  return t
}

async function post(body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/comments', { json: body })
  expect([201, 202]).toContain(res.status)
  return (await res.json()) as { comment: { id: string; status: string } }
}

const status = async (id: string) =>
  (await t.deps.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const subscription = async (email: string) =>
  t.deps.db.selectFrom('subscriptions').selectAll().where('email_key', '=', await t.deps.keys.emailKey(email)).executeTakeFirst()
const audit = async (id: string) =>
  t.deps.db.selectFrom('moderation_actions').selectAll().where('comment_id', '=', id).orderBy('id').execute()

const moderateLink = (m: OutgoingMail, action: string) => {
  const links = linksIn(m.text).filter((u) => new URL(u).pathname === '/email/moderate')
  const i = ['approve', 'reject', 'spam'].indexOf(action)
  return links[i]!
}

describe('confirm links', () => {
  it('GET shows one button and changes nothing; POST confirms; a second POST says it was already done', async () => {
    await ctx({ moderationMode: 'post' })
    await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const [m] = await deliverAll(t)
    const url = linkTo(m!, '/email/confirm')
    const get = await t.request('GET', pathOf(url))
    expect(get.status).toBe(200)
    expect(get.headers.get('content-type')).toContain('text/html')
    expect(get.headers.get('referrer-policy')).toBe('no-referrer')
    expect(get.headers.get('cache-control')).toBe('no-store')
    const page = await get.text()
    expect(page.match(/<form method="post"/g)).toHaveLength(1)
    expect(page).toContain('Confirm my address')
    expect(page).not.toContain('ann@example.org')
    expect((await subscription('ann@example.org'))!.confirmed_at).toBeNull()

    const first = await postForm(t, url)
    expect(first.status).toBe(200)
    expect(await first.text()).toContain('Your address is confirmed')
    expect((await subscription('ann@example.org'))!.confirmed_at).not.toBeNull()
    const again = await postForm(t, url)
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('already confirmed')
  })

  it('the page form posts the token back as a browser would', async () => {
    await ctx({ moderationMode: 'post' })
    await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const [m] = await deliverAll(t)
    const page = await (await t.request('GET', pathOf(linkTo(m!, '/email/confirm')))).text()
    const action = /<form method="post" action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&')
    const res = await t.request('POST', action, { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(200)
    expect((await subscription('ann@example.org'))!.confirmed_at).not.toBeNull()
  })
})

describe('unsubscribe links', () => {
  it('one-click POST (RFC 8058) unsubscribes without a page visit, idempotently, also as multipart', async () => {
    await ctx({ moderationMode: 'post' })
    await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const [m] = await deliverAll(t)
    const url = m!.headers['List-Unsubscribe']!.slice(1, -1)
    expect(linkTo(m!, '/email/unsubscribe')).toBe(url)
    const get = await t.request('GET', pathOf(url))
    expect(get.status).toBe(200)
    expect((await subscription('ann@example.org'))!.unsubscribed_at).toBeNull()
    const fd = new FormData()
    fd.set('List-Unsubscribe', 'One-Click')
    const res = await t.request('POST', pathOf(url), { body: fd })
    expect(res.status).toBe(200)
    expect((await subscription('ann@example.org'))!.unsubscribed_at).not.toBeNull()
    const again = await postForm(t, url, { 'List-Unsubscribe': 'One-Click' })
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('already unsubscribed')
  })

  it('never expires', async () => {
    await ctx({ moderationMode: 'post' })
    await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const [m] = await deliverAll(t)
    t.clock.advance(400 * 86_400_000)
    expect((await postForm(t, linkTo(m!, '/email/unsubscribe'))).status).toBe(200)
  })
})

describe('moderation links', () => {
  it('acts as the moderator it was sent to, writes an audit row, and is idempotent', async () => {
    await ctx({ moderationMode: 'pre' })
    const mod = await addUser(t, { email: 'mo@parley.test', role: 'moderator', sites: ['news'] })
    const c = await post(newComment({ body: 'Please approve me' }))
    const [m] = await deliverAll(t)
    const approve = moderateLink(m!, 'approve')
    const get = await t.request('GET', pathOf(approve))
    expect(get.status).toBe(200)
    const page = await get.text()
    expect(page).toContain('Please approve me')
    expect(page).toContain('<button type="submit">Approve</button>')
    expect(await status(c.comment.id)).toBe('pending')

    const res = await postForm(t, approve)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Comment approved')
    expect(await status(c.comment.id)).toBe('approved')
    const rows = await audit(c.comment.id)
    const last = rows[rows.length - 1]!
    expect(last).toMatchObject({ actor_id: mod.id, actor_email: 'mo@parley.test', action: 'approve', from_status: 'pending', to_status: 'approved' })
    expect(last.details).toEqual({ via: 'email' })

    const again = await postForm(t, approve)
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('Already approved')
    expect(await audit(c.comment.id)).toHaveLength(rows.length)
    const list = await (await t.request('GET', '/api/comments?site=news&uri=/2026/11/cartels')).json()
    expect(list.comments.map((x: { id: string }) => x.id)).toEqual([c.comment.id])
  })

  it("a link to a site's moderator address without a user acts as the system and names the address", async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    const c = await post(newComment())
    const [m] = await deliverAll(t)
    expect((await postForm(t, moderateLink(m!, 'spam'))).status).toBe(200)
    expect(await status(c.comment.id)).toBe('spam')
    const last = (await audit(c.comment.id)).pop()!
    expect(last).toMatchObject({ actor_id: null, actor_email: 'desk@news.example', action: 'spam', to_status: 'spam' })
  })

  it('stops working for an address that no longer moderates the site, and for transitions no longer allowed', async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    const c1 = await post(newComment({ body: 'First held' }))
    const c2 = await post(newComment({ body: 'Second held' }))
    const all = await deliverAll(t)
    const sent = [all.find((m) => m.text.includes('First held')), all.find((m) => m.text.includes('Second held'))]
    await t.deps.db.updateTable('sites').set({ settings: jsonb({ moderationMode: 'pre', moderatorEmails: ['new@news.example'], origins: ['https://news.example'] }) }).execute()
    const gone = await postForm(t, moderateLink(sent[0]!, 'approve'))
    expect(gone.status).toBe(403)
    expect(await status(c1.comment.id)).toBe('pending')

    await t.deps.db.updateTable('sites').set({ settings: jsonb({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'], origins: ['https://news.example'] }) }).execute()
    await moderate(t, [c2.comment.id], 'delete')
    const late = await postForm(t, moderateLink(sent[1]!, 'approve'))
    expect(late.status).toBe(409)
    expect(await late.text()).toContain('now deleted')
    expect(await status(c2.comment.id)).toBe('deleted')
  })

  it('expires after 7 days', async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    const c = await post(newComment())
    const [m] = await deliverAll(t)
    t.clock.advance(7 * 86_400_000 + 60_000)
    const get = await t.request('GET', pathOf(moderateLink(m!, 'approve')))
    expect(get.status).toBe(400)
    const res = await postForm(t, moderateLink(m!, 'approve'))
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Nothing was changed')
    expect(await status(c.comment.id)).toBe('pending')
  })
})

describe('abuse', () => {
  it('a commenter cannot make the service mail an unconfirmed address more than once a day', async () => {
    await ctx({ moderationMode: 'post', floodSeconds: 0 })
    for (let i = 0; i < 10; i++) {
      t.clock.advance(3600_000)
      await post(newComment({ email: 'victim@example.org', name: `Troll ${i}`, notifyReplies: true }))
    }
    const sent = await deliverAll(t)
    expect(sent.filter((m) => m.to === 'victim@example.org')).toHaveLength(1)
  })

  it('forged, tampered, expired, wrong-purpose and missing tokens get a 400 page and change nothing', async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    const c = await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const sent = await deliverAll(t)
    const confirm = sent.find((m) => m.to === 'ann@example.org')!
    const mod = sent.find((m) => m.to === 'desk@news.example')!
    const confirmToken = new URL(linkTo(confirm, '/email/confirm')).searchParams.get('token')!
    const unsubToken = new URL(linkTo(confirm, '/email/unsubscribe')).searchParams.get('token')!
    const modToken = new URL(moderateLink(mod, 'approve')).searchParams.get('token')!
    const key = await t.deps.keys.emailKey('ann@example.org')
    const otherKeys = await (await import('../../src/privacy/keys.js')).createKeyring('another-secret-0123456789-0123456789-xyz')
    const [payload, sig] = modToken.split('.')
    const tampered = Buffer.from(
      Buffer.from(payload!, 'base64url').toString().replace('"approve"', '"spam"'),
    ).toString('base64url')
    const bad: [string, string][] = [
      ['/email/confirm', ''],
      ['/email/confirm', 'garbage'],
      ['/email/confirm', confirmToken.slice(0, -2) + (confirmToken.endsWith('aa') ? 'bb' : 'aa')],
      ['/email/confirm', unsubToken], // wrong purpose
      ['/email/confirm', await signToken(otherKeys, 'confirm', { site: 'news', key }, t.clock.now())], // forged
      ['/email/moderate', confirmToken], // wrong purpose
      ['/email/moderate', `${tampered}.${sig}`],
      ['/email/unsubscribe', modToken], // wrong purpose
      ['/email/unsubscribe', await signToken(otherKeys, 'unsubscribe', { site: 'news', key }, t.clock.now())],
    ]
    for (const [path, token] of bad) {
      for (const method of ['GET', 'POST']) {
        const res =
          method === 'GET'
            ? await t.request('GET', `${path}?token=${encodeURIComponent(token)}`)
            : await postForm(t, `http://parley.test${path}?token=${encodeURIComponent(token)}`, { 'List-Unsubscribe': 'One-Click' })
        expect(res.status, `${method} ${path} with ${token.slice(0, 12)}`).toBe(400)
        expect(res.headers.get('content-type')).toContain('text/html')
        expect(await res.text()).toContain('This link does not work')
      }
    }
    // Expired confirm link.
    t.clock.advance(7 * 86_400_000 + 1000)
    expect((await postForm(t, linkTo(confirm, '/email/confirm'))).status).toBe(400)

    const sub = (await subscription('ann@example.org'))!
    expect(sub.confirmed_at).toBeNull()
    expect(sub.unsubscribed_at).toBeNull()
    expect(await status(c.comment.id)).toBe('pending')
    expect((await audit(c.comment.id)).map((a) => a.action)).toEqual(['pipeline'])
  })

  it('GET on every action link changes nothing, however often a scanner follows it', async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    const c = await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const sent = await deliverAll(t)
    const links = sent.flatMap((m) => linksIn(m.text)).filter((u) => new URL(u).pathname.startsWith('/email/'))
    expect(links.length).toBeGreaterThanOrEqual(5)
    for (const l of links) {
      for (let i = 0; i < 3; i++) {
        const res = await t.request('GET', pathOf(l))
        expect(res.status).toBe(200)
        await res.text()
      }
      const head = await t.request('HEAD', pathOf(l))
      expect(head.status).toBe(200)
    }
    const sub = (await subscription('ann@example.org'))!
    expect(sub.confirmed_at).toBeNull()
    expect(sub.unsubscribed_at).toBeNull()
    expect(await status(c.comment.id)).toBe('pending')
    expect(await audit(c.comment.id)).toHaveLength(1)
  })

  it('a form post to /email/* is not refused as a non-JSON API request', async () => {
    await ctx({ moderationMode: 'post' })
    const res = await t.request('POST', '/email/unsubscribe?token=x', { body: 'a=b', headers: { 'content-type': 'text/plain' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('text/html')
  })
})
