import { afterEach, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { addUser, deliverAll, linksIn, moderate, postAndConfirm, postForm, linkTo } from '../helpers/mail.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { CONFIRM_RESEND_MS } from '../../src/notifications/events.js'
import { jsonb } from '../../src/db/index.js'
import { addSite } from '../../src/sites/site.service.js'

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

const byKind = async (kind: string) =>
  t.deps.db.selectFrom('email_outbox').selectAll().where('kind', '=', kind).orderBy('created_at').execute()

describe('moderation needed', () => {
  it("mails the site's moderator addresses when a comment is held, with the facts and the links", async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example', 'night@news.example'] })
    await addUser(t, { email: 'admin@parley.test', role: 'admin' }) // not mailed: the site names its addresses
    const c = await post(newComment({ name: 'Ann', email: 'ann@example.org', url: 'https://ann.example', body: 'Hold <b>me</b>' }))
    expect(c.comment.status).toBe('pending')
    const sent = await deliverAll(t)
    expect(sent.map((m) => m.to).sort()).toEqual(['desk@news.example', 'night@news.example'])
    const m = sent[0]!
    expect(m.replyTo).toBe('ann@example.org')
    expect(m.subject).toContain('[News Example]')
    expect(m.subject).toContain('The Trump administration')
    expect(m.text).toContain('Author: Ann')
    expect(m.text).toContain('Email: ann@example.org')
    expect(m.text).toContain('URL: https://ann.example')
    expect(m.text).toContain('> Hold <b>me</b>')
    expect(m.html).toContain('Hold &lt;b&gt;me&lt;/b&gt;')
    expect(m.text).toMatch(/pre-moderat|moderat/i) // which rule held it
    expect(m.text).toContain('1 comment is waiting')
    expect(m.text).toContain('https://news.example/2026/11/cartels')
    const paths = linksIn(m.text).map((u) => new URL(u).pathname)
    expect(paths.filter((p) => p === '/email/moderate')).toHaveLength(3)
    expect(paths).toContain('/mod')
    expect(m.messageId).toMatch(/^<[a-z0-9]+@parley\.test>$/)
  })

  it('falls back to the site’s team (its admins and moderators, every-site ones included), and counts what waits', async () => {
    await ctx({ moderationMode: 'pre' })
    await addUser(t, { email: 'root@parley.test', role: 'admin' })
    await addUser(t, { email: 'all@parley.test', role: 'moderator' })
    await addUser(t, { email: 'news@parley.test', role: 'moderator', sites: ['news'] })
    await addSite(t.deps.db, { id: 'other', name: 'Other', origins: [] }, t.clock.now())
    await addUser(t, { email: 'other@parley.test', role: 'moderator', sites: ['other'] })
    // An admin of another site only is not on this site's team (issue 10: roles per site).
    await addUser(t, { email: 'other-admin@parley.test', role: 'admin', sites: ['other'] })
    await post(newComment())
    await post(newComment())
    const sent = await deliverAll(t)
    expect(new Set(sent.map((m) => m.to))).toEqual(new Set(['root@parley.test', 'all@parley.test', 'news@parley.test']))
    expect(sent).toHaveLength(6)
    expect(sent.filter((m) => m.text.includes('2 comments are waiting'))).toHaveLength(3)
  })

  it('sends nothing when notifyModerators is off, or when the comment is published at once', async () => {
    await ctx({ moderationMode: 'pre', notifyModerators: false, moderatorEmails: ['desk@news.example'] })
    await post(newComment())
    expect(await deliverAll(t)).toHaveLength(0)
    await t.close()
    await ctx({ moderationMode: 'post', moderatorEmails: ['desk@news.example'] })
    await post(newComment())
    expect(await deliverAll(t)).toHaveLength(0)
  })

  it('is written in the same transaction: a refused comment leaves no email behind', async () => {
    await ctx({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    const body = newComment()
    await post(body)
    t.clock.advanceSeconds(60)
    const dup = await t.request('POST', '/api/comments', { json: body })
    expect(dup.status).toBe(409)
    expect(await byKind('moderation_needed')).toHaveLength(1)
  })
})

describe('confirm your address', () => {
  it('is sent once when an unconfirmed commenter asks for notifications, at most once a day', async () => {
    await ctx({ moderationMode: 'post' })
    await post(newComment({ email: 'Bob@Example.org', name: 'Bob', notifyReplies: true }))
    t.clock.advanceSeconds(30)
    await post(newComment({ email: 'bob@example.org', name: 'Bob', notifyReplies: true }))
    let sent = await deliverAll(t)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.to.toLowerCase()).toBe('bob@example.org')
    expect(sent[0]!.subject).toBe('[News Example] Please confirm your email address')
    expect(sent[0]!.headers['List-Unsubscribe']).toMatch(/^<http:\/\/parley\.test\/email\/unsubscribe\?token=[^>]+>$/)
    expect(sent[0]!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    t.clock.advance(CONFIRM_RESEND_MS - 60_000)
    await post(newComment({ email: 'bob@example.org', name: 'Bob', notifyReplies: true }))
    expect(await deliverAll(t)).toHaveLength(0)
    t.clock.advance(120_000)
    await post(newComment({ email: 'bob@example.org', name: 'Bob', notifyReplies: true }))
    sent = await deliverAll(t)
    expect(sent).toHaveLength(1)
  })

  it('is not sent without notifyReplies, for spam, or to a confirmed address', async () => {
    await ctx({ moderationMode: 'post', disallowedKeys: ['casino'] })
    await post(newComment({ email: 'carol@example.org' }))
    await post(newComment({ email: 'dave@example.org', body: 'cheap casino', notifyReplies: true }))
    expect(await deliverAll(t)).toHaveLength(0)
    await postAndConfirm(t, newComment({ email: 'erin@example.org' }))
    t.clock.advanceSeconds(30)
    await post(newComment({ email: 'erin@example.org', notifyReplies: true }))
    expect(await deliverAll(t)).toHaveLength(0)
  })

  it('also goes out for a held comment: the commenter asked, whatever the moderators decide', async () => {
    await ctx({ moderationMode: 'pre' })
    await post(newComment({ email: 'fay@example.org', notifyReplies: true }))
    const sent = await deliverAll(t)
    expect(sent.map((m) => m.to)).toEqual(['fay@example.org'])
  })
})

describe('reply', () => {
  it('goes to the parent author once per reply when it is published, never again on re-approval', async () => {
    await ctx({ moderationMode: 'post' })
    const parent = await postAndConfirm(t, newComment({ name: 'Ann', email: 'ann@example.org' }))
    const r = await post(newComment({ parentId: parent.comment.id, name: 'Ben', body: 'I disagree <script>alert(1)</script>' }))
    const sent = await deliverAll(t)
    expect(sent).toHaveLength(1)
    const m = sent[0]!
    expect(m.to).toBe('ann@example.org')
    expect(m.subject).toBe('[News Example] Ben replied to your comment on "The Trump administration is planning operations against the cartels in Mexico"')
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(m.text).toContain(`https://news.example/2026/11/cartels#comment-${r.comment.id}`)
    expect(m.headers['List-Unsubscribe']).toMatch(/^<http:\/\/parley\.test\/email\/unsubscribe\?token=/)
    expect(m.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(m.text).toContain(linkTo(m, '/email/unsubscribe'))
    expect(m.text).not.toMatch(/reader\d+@example\.org/) // the replier's address stays private

    await moderate(t, [r.comment.id], 'reject')
    await moderate(t, [r.comment.id], 'approve')
    expect(await deliverAll(t)).toHaveLength(0)
    expect(await byKind('reply')).toHaveLength(1)
  })

  it('waits for a held reply to be approved', async () => {
    await ctx({ moderationMode: 'trusted' })
    const first = await post(newComment({ name: 'Ann', email: 'ann@example.org', notifyReplies: true }))
    await moderate(t, [first.comment.id], 'approve')
    const confirm = (await deliverAll(t)).find((m) => m.subject.includes('confirm'))!
    await postForm(t, linkTo(confirm, '/email/confirm'))
    const r = await post(newComment({ parentId: first.comment.id, name: 'Ben' }))
    expect(r.comment.status).toBe('pending')
    expect((await deliverAll(t)).filter((m) => m.to === 'ann@example.org')).toHaveLength(0)
    await moderate(t, [r.comment.id], 'approve')
    expect((await deliverAll(t)).filter((m) => m.to === 'ann@example.org').map((m) => m.subject)).toEqual([
      expect.stringContaining('Ben replied'),
    ])
  })

  it('is not sent for a self-reply (same address, other case), to an unconfirmed address, or without notify', async () => {
    await ctx({ moderationMode: 'post' })
    const ann = await postAndConfirm(t, newComment({ email: 'ann@example.org' }))
    t.clock.advanceSeconds(30)
    await post(newComment({ parentId: ann.comment.id, email: ' ANN@Example.org ', name: 'Ann again' }))
    const unconfirmed = await post(newComment({ email: 'uma@example.org', notifyReplies: true }))
    await post(newComment({ parentId: unconfirmed.comment.id }))
    const quiet = await post(newComment({ email: 'quiet@example.org' }))
    await post(newComment({ parentId: quiet.comment.id }))
    const sent = await deliverAll(t)
    expect(sent.filter((m) => m.subject.includes('replied'))).toHaveLength(0)
  })

  it('stops for every comment of an address once it unsubscribes (one click, RFC 8058)', async () => {
    await ctx({ moderationMode: 'post' })
    const a1 = await postAndConfirm(t, newComment({ email: 'ann@example.org' }))
    t.clock.advanceSeconds(30)
    const a2 = await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    await post(newComment({ parentId: a1.comment.id }))
    const [m] = await deliverAll(t)
    const unsubscribe = m!.headers['List-Unsubscribe']!.slice(1, -1)
    const res = await postForm(t, unsubscribe, { 'List-Unsubscribe': 'One-Click' })
    expect(res.status).toBe(200)
    await post(newComment({ parentId: a1.comment.id }))
    await post(newComment({ parentId: a2.comment.id }))
    expect(await deliverAll(t)).toHaveLength(0)

    // Ticking "notify me" again asks for a fresh confirmation; only that turns replies back on.
    t.clock.advance(CONFIRM_RESEND_MS)
    await post(newComment({ email: 'ann@example.org', notifyReplies: true }))
    const again = await deliverAll(t)
    expect(again.map((x) => x.subject)).toEqual(['[News Example] Please confirm your email address'])
    await post(newComment({ parentId: a1.comment.id }))
    expect(await deliverAll(t)).toHaveLength(0)
    expect((await postForm(t, linkTo(again[0]!, '/email/confirm'))).status).toBe(200)
    await post(newComment({ parentId: a1.comment.id }))
    expect((await deliverAll(t)).map((x) => x.to)).toEqual(['ann@example.org'])
  })
})

describe('your comment was approved', () => {
  it('goes to a confirmed commenter who asked for notifications when a moderator approves their held comment', async () => {
    await ctx({ moderationMode: 'pre' })
    const c = await postAndConfirm(t, newComment({ email: 'gil@example.org', name: 'Gil' }))
    const other = await post(newComment({ email: 'hal@example.org' })) // did not ask
    t.clock.advanceSeconds(30)
    const unconfirmed = await post(newComment({ email: 'ida@example.org', notifyReplies: true }))
    await deliverAll(t)
    await moderate(t, [c.comment.id, other.comment.id, unconfirmed.comment.id], 'approve')
    const sent = (await deliverAll(t)).filter((m) => m.subject.includes('is published'))
    expect(sent.map((m) => m.to)).toEqual(['gil@example.org'])
    expect(sent[0]!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    await moderate(t, [c.comment.id], 'reject')
    await moderate(t, [c.comment.id], 'approve')
    expect(await deliverAll(t)).toHaveLength(0)
  })

  it('is not sent when a comment is published at once', async () => {
    await ctx({ moderationMode: 'post' })
    await postAndConfirm(t, newComment({ email: 'gil@example.org' }))
    t.clock.advanceSeconds(30)
    await post(newComment({ email: 'gil@example.org', notifyReplies: true }))
    expect(await deliverAll(t)).toHaveLength(0)
  })
})

describe('new comment on your article', () => {
  async function withAuthors() {
    const now = t.clock.now()
    await t.deps.db
      .insertInto('site_authors')
      .values([
        { site_id: 'news', handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley@newsroom.example', notify: true, created_at: now },
        { site_id: 'news', handle: 'quiet-author', name: 'Quiet', email: 'quiet@newsroom.example', notify: false, created_at: now },
      ])
      .execute()
  }

  it("goes to the thread's registered authors when a comment is published, without the commenter's address", async () => {
    await ctx({ moderationMode: 'post' })
    await withAuthors()
    const c = await post(newComment({ author: 'ashley-davis', name: 'Jo', email: 'jo@example.org', body: 'Great piece' }))
    const sent = await deliverAll(t)
    expect(sent.map((m) => m.to)).toEqual(['ashley@newsroom.example'])
    const m = sent[0]!
    expect(m.subject).toContain('New comment on')
    expect(m.text).toContain('Jo commented')
    expect(m.text + m.html).not.toContain('jo@example.org')
    expect(m.replyTo ?? null).toBeNull()
    // Ashley has no desk account: the comment on the article, no link to a sign-in page she cannot pass.
    expect(m.text + m.html).not.toContain('/mod')
    expect(m.text).toContain(`https://news.example/2026/11/cartels#comment-${c.comment.id}`)
  })

  it('waits for a held comment to be approved, once, and skips the author themselves and authors who turned it off', async () => {
    await ctx({ moderationMode: 'pre' })
    await withAuthors()
    const c = await post(newComment({ author: 'ashley-davis', name: 'Jo' }))
    await t.deps.db.updateTable('threads').set({ authors: jsonb(['ashley-davis', 'quiet-author']) }).execute()
    expect(await deliverAll(t)).toHaveLength(0) // no moderators configured; nothing for authors yet
    await moderate(t, [c.comment.id], 'approve')
    expect((await deliverAll(t)).map((m) => m.to)).toEqual(['ashley@newsroom.example'])
    await moderate(t, [c.comment.id], 'spam')
    await moderate(t, [c.comment.id], 'approve')
    expect(await deliverAll(t)).toHaveLength(0)
    const own = await post(newComment({ name: 'Ashley', email: 'Ashley@Newsroom.example' }))
    await moderate(t, [own.comment.id], 'approve')
    expect(await deliverAll(t)).toHaveLength(0)
  })
})
