import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSmtpMailer } from '../../src/mail/smtp.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { cli, countRows, everyRowAsText, fixture, readFixture, tempFile } from '../helpers/imports.js'
import { signIn, type SignedIn } from '../helpers/mod.js'
import { startSmtp } from '../helpers/smtp.js'

let t: TestContext
let admin: SignedIn
let smtp: Awaited<ReturnType<typeof startSmtp>>
let mailer: ReturnType<typeof createSmtpMailer>
beforeAll(async () => {
  smtp = await startSmtp()
  mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 2000 })
  // Every kind of email Parley sends is switched on: held comments, authors, reply notifications.
  t = await createTestContext({ deps: { mailer }, settings: { moderationMode: 'pre', moderatorEmails: ['desk@news.example'] } })
  admin = await signIn(t)
  await admin.request('POST', '/api/mod/sites/news/authors', { json: { handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley@newsroom.example' } })
})
afterAll(async () => {
  await mailer.close?.()
  await smtp.stop()
  await t.close()
})

async function drain(): Promise<number> {
  let sent = 0
  for (;;) {
    const r = await deliverDue(t.deps, { limit: 50 })
    if (r.claimed === 0) return sent
    sent += r.sent
  }
}

const read = async (uri: string) => (await (await t.request('GET', `/api/comments?site=news&uri=${encodeURIComponent(uri)}`)).json()) as any
const queue = async (q: string) => (await (await admin.request('GET', `/api/mod/queue?site=news&queue=${q}&limit=100`)).json()) as any

describe('import disqus (CLI)', () => {
  it('imports threads and posts: spam, tombstones for deleted posts with replies, orphans skipped', async () => {
    const dry = await cli(t.deps, ['import', 'disqus', fixture('disqus.xml'), '--site', 'news', '--dry-run', '--json'])
    const r = await cli(t.deps, ['import', 'disqus', fixture('disqus.xml'), '--site', 'news', '--json'])
    expect(r.code).toBe(0)
    const expected = {
      threads: 2,
      comments: 7,
      byStatus: { approved: 5, pending: 0, spam: 1, rejected: 0, deleted: 1 },
      skipped: { pingback: 0, trackback: 0, orphan: 1, alreadyImported: 0, invalid: 0 },
      seconds: expect.any(Number),
    }
    expect(r.json()).toEqual(expected)
    expect(dry.json()).toEqual(expected)
    const text = await cli(t.deps, ['import', 'disqus', fixture('disqus.xml'), '--site', 'news', '--dry-run'])
    expect(text.out.join('\n')).toContain('already imported 7')
  })

  it('shows readers the thread with the tombstone keeping its reply in place', async () => {
    const body = await read('/2020/disqus-post/')
    expect(body.thread).toEqual({ uri: '/2020/disqus-post', title: 'A Disqus post — “quoted” & more', commentCount: 4, closed: false })
    expect(body.comments.map((c: any) => [c.author.name, c.status, c.depth])).toEqual([
      ['Mia Müller', 'approved', 0],
      ['Mia Müller', 'approved', 1], // listed before its parent in the file
      ['', 'deleted', 0],
      ['Replier', 'approved', 1],
      ['Guest Reader', 'approved', 0], // no email: imported even though the site requires one
    ])
    expect(body.comments[0].html).toBe('<p>First! With <b>bold</b> and an emoji 🦆</p><p>Second para<br />line two</p>')
    expect(body.comments[2].html).toBe('')
    expect(body.comments[3].parentId).toBe(body.comments[2].id)
    expect(body.comments[0].createdAt).toBe('2020-01-02T10:00:00.000Z')
    expect((await read('/?p=5')).thread).toMatchObject({ closed: true, commentCount: 1 })
    expect((await read('/2020/empty')).thread.commentCount).toBe(0)
    expect(JSON.stringify(body)).not.toContain('removed') // the deleted post's text stays with moderators
  })

  it('gives moderators the spam and the author without email; the deleted post without replies is not there', async () => {
    const spam = await queue('spam')
    expect(spam.items.map((c: any) => c.author.name)).toEqual(['Watches'])
    const approved = await queue('approved')
    const guest = approved.items.find((c: any) => c.author.name === 'Guest Reader')
    expect(guest).toMatchObject({ email: null, ipHash: null })
    const mia = approved.items.filter((c: any) => c.author.name === 'Mia Müller')
    expect(mia.map((c: any) => c.email).sort()).toEqual(['Mia@Example.org', 'mia@example.org'])
    expect(mia[0].authorHistory.approved).toBe(2)
    const all = await everyRowAsText(t.deps)
    expect(all).not.toContain('Deleted, nobody answered.')
    expect(all).not.toContain('My thread is not in this file.')
    for (const ip of ['192.0.2.50', '192.0.2.51', '192.0.2.66', '2001:db8::77']) expect(all.toLowerCase()).not.toContain(ip)
  })

  it('sends no email of any kind and subscribes nobody, though every notification is on', async () => {
    await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'news'])
    expect(await countRows(t.deps, 'email_outbox')).toBe(0)
    expect(await countRows(t.deps, 'subscriptions')).toBe(0)
    expect(await drain()).toBe(0)
    expect(smtp.received).toEqual([])
    // The same server does get mail for a comment posted now: the wiring above is live.
    const res = await t.request('POST', '/api/comments', { json: newComment({ uri: '/2020/disqus-post' }) })
    expect(res.status).toBe(202)
    expect(await drain()).toBeGreaterThan(0)
    expect(smtp.received.map((m) => m.envelopeTo[0])).toContain('desk@news.example')
  })

  it('stops a truncated Disqus file and writes nothing', async () => {
    const before = await countRows(t.deps, 'comments')
    const xml = readFixture('disqus.xml')
    const r = await cli(t.deps, ['import', 'disqus', tempFile('cut.xml', xml.slice(0, xml.lastIndexOf('<post'))), '--site', 'news'])
    expect(r.code).toBe(1)
    expect(r.err[0]).toMatch(/line \d+, column \d+/)
    expect(await countRows(t.deps, 'comments')).toBe(before)
    const wrong = await cli(t.deps, ['import', 'disqus', fixture('wordpress.xml'), '--site', 'news'])
    expect(wrong.err[0]).toMatch(/this is not a Disqus export/)
  })

  it('keeps a chain of deleted posts only down to a living reply, and a post listed twice once', async () => {
    const post = (id: number, deleted: boolean, parent?: number) => `
  <post dsq:id="${id}"><id /><message><![CDATA[<p>Post ${id}</p>]]></message><createdAt>2020-03-01T10:0${id % 10}:00Z</createdAt>
    <isDeleted>${deleted}</isDeleted><isSpam>false</isSpam><author><email>p${id}@example.org</email><name>Poster ${id}</name></author>
    <thread dsq:id="2001" />${parent ? `<parent dsq:id="${parent}" />` : ''}</post>`
    const xml = readFixture('disqus.xml').replace(/<post[\s\S]*<\/disqus>/, '') + `
  <thread dsq:id="2001"><id>chain</id><link>https://news.example/2020/chain/</link><title>Chain</title><createdAt>2020-03-01T09:00:00Z</createdAt><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
  ${post(6001, true)}${post(6002, true, 6001)}${post(6003, true)}${post(6004, true, 6003)}${post(6005, false, 6004)}${post(6005, false, 6004)}
</disqus>`
    const r = await cli(t.deps, ['import', 'disqus', tempFile('chain.xml', xml), '--site', 'news'])
    expect(r.code).toBe(0)
    expect(r.out.join('\n')).toContain('deleted posts without replies, not imported: 2')
    const body = await read('/2020/chain')
    expect(body.comments.map((c: any) => [c.status, c.depth, c.author.name])).toEqual([
      ['deleted', 0, ''],
      ['deleted', 1, ''],
      ['approved', 2, 'Poster 6005'],
    ])
    const again = await cli(t.deps, ['import', 'disqus', tempFile('chain.xml', xml), '--site', 'news', '--json'])
    expect(again.json()).toMatchObject({ comments: 0, skipped: { alreadyImported: 4 } })
  })
})
