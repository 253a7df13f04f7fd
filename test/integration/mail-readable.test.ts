import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { addUser, linksIn, pathOf, postForm } from '../helpers/mail.js'
import { startSmtp, type Received } from '../helpers/smtp.js'
import { createSmtpMailer } from '../../src/mail/smtp.js'
import type { Mailer } from '../../src/mail/mailer.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { jsonb } from '../../src/db/index.js'

// Emails as people open them (over real SMTP, parsed by mailparser): comments read as readers see
// them, authors get links they can follow, and a reused moderation link says what happened.
let t: TestContext
let smtp: Awaited<ReturnType<typeof startSmtp>>
let mailer: Mailer
let commentId: string
let approveLink: string
let rejectLink: string

const BODY = '**Bold** move, see [the memo](https://memo.example/1).\n\n> an _earlier_ line'
const to = (r: Received) => r.envelopeTo.join(',')
async function drain() {
  for (;;) if ((await deliverDue(t.deps, { limit: 20 })).claimed === 0) return
}
const mailTo = (address: string) => {
  const r = smtp.received.find((x) => to(x) === address)
  expect(r, `an email to ${address}`).toBeDefined()
  return r!.mail
}

beforeAll(async () => {
  smtp = await startSmtp()
  mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 5000 })
  t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0 }, deps: { mailer } })
  await addUser(t, { email: 'mo@parley.test', role: 'moderator', sites: ['news'] })
  // Two authors of the article: one without a desk account, one who moderates too.
  await addUser(t, { email: 'bob@newsroom.example', role: 'moderator', sites: ['news'] })
  for (const [handle, name, email] of [
    ['ashley-davis', 'Ashley Davis', 'ashley@newsroom.example'],
    ['bob-desk', 'Bob Desk', 'bob@newsroom.example'],
  ] as const)
    await t.deps.db.insertInto('site_authors').values({ site_id: 'news', handle, name, email, notify: true, created_at: t.clock.now() }).execute()
  const res = await t.request('POST', '/api/comments', { json: newComment({ author: 'ashley-davis', name: 'Ann', email: 'ann@example.org', body: BODY }) })
  expect(res.status).toBe(202)
  commentId = (await res.json()).comment.id
  await t.deps.db.updateTable('threads').set({ authors: jsonb(['ashley-davis', 'bob-desk']) }).execute()
  await drain()
  const links = linksIn(mailTo('mo@parley.test').text ?? '').filter((u) => new URL(u).pathname === '/email/moderate')
  ;[approveLink, rejectLink] = links as [string, string]
})
afterAll(async () => {
  await t?.close()
  await mailer?.close?.()
  await smtp?.stop()
})

describe('emails people open', () => {
  it('show a comment as readers see it: plain text without Markdown marks, HTML rendered safely', async () => {
    const m = mailTo('mo@parley.test')
    expect(m.text).toContain('> Bold move, see the memo (https://memo.example/1).')
    expect(m.text).toContain('> > an earlier line')
    expect(m.text).not.toMatch(/\*\*Bold\*\*|\]\(https|_earlier_/)
    expect(m.html).toContain('<strong>Bold</strong> move, see <a href="https://memo.example/1" rel="nofollow ugc noopener">the memo</a>.')
    expect(m.html).toContain('<em>earlier</em>')
    expect(m.html).not.toContain('**Bold**')
  })

  it('link article authors to the comment on the article, and to the desk only when they have an account', async () => {
    smtp.received.length = 0
    expect((await postForm(t, approveLink)).status).toBe(200)
    await drain()
    const onPage = `https://news.example/2026/11/cartels#comment-${commentId}`
    const ashley = mailTo('ashley@newsroom.example')
    expect(linksIn(ashley.text ?? '')).toEqual(['https://memo.example/1', onPage])
    expect(ashley.html).toContain(`href="${onPage}"`)
    expect(ashley.html).not.toContain('/mod')
    expect(ashley.text).toContain('> Bold move, see the memo (https://memo.example/1).')
    const bob = mailTo('bob@newsroom.example')
    expect(linksIn(bob.text ?? '')).toContain(onPage)
    expect(linksIn(bob.text ?? '').some((u) => new URL(u).pathname === '/mod' && u.includes(`comment=${commentId}`))).toBe(true)
  })

  it('a reused moderation link says who decided and when, and offers only what still changes something', async () => {
    const at = t.clock.now().toISOString().slice(0, 16).replace('T', ' ')
    const again = await (await t.request('GET', pathOf(approveLink))).text()
    expect(again).toContain(`Already approved by mo@parley.test at ${at} UTC.`)
    expect(again).not.toContain('now approved')
    expect(again).not.toContain('<form')
    expect(again).toContain(`href="/mod/comments/${commentId}"`)
    const other = await (await t.request('GET', pathOf(rejectLink))).text()
    expect(other).toContain('Already approved by mo@parley.test')
    expect(other.match(/<form method="post"/g)).toHaveLength(1)
    expect(other).toContain('>Reject instead</button>')
    // Posting the used approve link again changes nothing and says so the same way.
    const post = await (await postForm(t, approveLink)).text()
    expect(post).toContain(`Already approved by mo@parley.test at ${at} UTC. Nothing changed.`)
  })
})
