import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { confirmUrl, followConfirmUrl, followUnsubscribeUrl, unsubscribeUrl } from '../../src/notifications/links.js'
import { signToken } from '../../src/notifications/tokens.js'
import { createTestContext, newComment, NEWS_ORIGIN, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { addSite } from '../../src/sites/site.service.js'
import { rekeyAvatars } from '../../src/privacy/avatar-keys.js'

// Distinctive addresses: if any of these, or a hash of them, shows up anywhere public, it leaked.
const EMAILS = ['Zelda.Privacy+Parley@Example.ORG', 'quiet.reader@privacy.example', 'Mixed.Case.Person@Sub.Example.COM']

function fingerprints(email: string): string[] {
  const forms = new Set([email, email.toLowerCase(), email.trim().toLowerCase()])
  const out = new Set<string>()
  for (const f of forms) {
    out.add(f)
    out.add(encodeURIComponent(f))
    for (const alg of ['md5', 'sha1', 'sha256']) out.add(createHash(alg).update(f).digest('hex'))
  }
  return [...out]
}

let t: TestContext
const tokens: string[] = []
const ids: string[] = []

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
  // Published, held, replied-to, edited and deleted comments by the distinctive authors.
  for (const [i, email] of EMAILS.entries()) {
    t.clock.advanceSeconds(30)
    const res = await t.request('POST', '/api/comments', {
      json: newComment({ uri: '/private', email, name: `Private ${i}`, url: 'example.org', notifyReplies: true }),
    })
    const body = (await res.json()) as any
    tokens.push(body.editToken)
    ids.push(body.comment.id)
  }
  t.clock.advanceSeconds(30)
  await t.request('POST', '/api/comments', { json: newComment({ uri: '/private', parentId: ids[0], email: EMAILS[1] }) })
  await t.request('PATCH', `/api/comments/${ids[1]}`, { json: { body: 'edited' }, headers: { authorization: `Bearer ${tokens[1]}` } })
  await t.request('DELETE', `/api/comments/${ids[0]}`, { headers: { authorization: `Bearer ${tokens[0]}` } })
  await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [ids[2]!], action: 'reject', actor: null }))
})
afterAll(() => t.close())

/** Every public endpoint, with the requests a reader or a bot could make. */
async function publicResponses(): Promise<{ name: string; res: Response }[]> {
  t.clock.advanceSeconds(60)
  const out: { name: string; res: Response }[] = []
  const add = async (name: string, p: Promise<Response>) => out.push({ name, res: await p })
  await add('list', t.request('GET', '/api/comments?site=news&uri=/private'))
  await add('list newest', t.request('GET', '/api/comments?site=news&uri=/private&sort=newest&limit=1', { headers: { origin: NEWS_ORIGIN } }))
  await add('list with tokens', t.request('GET', '/api/comments?site=news&uri=/private', { headers: { authorization: `Bearer ${tokens.join(',')}` } }))
  await add('post', t.request('POST', '/api/comments', { json: newComment({ uri: '/private', email: EMAILS[2], body: 'fresh' }) }))
  t.clock.advanceSeconds(60)
  await add('post duplicate', t.request('POST', '/api/comments', { json: newComment({ uri: '/private', email: EMAILS[2], body: 'fresh', name: 'Private 2x' }) }))
  await add('post flood', t.request('POST', '/api/comments', { json: newComment({ uri: '/private', email: EMAILS[2] }) }))
  await add('post invalid', t.request('POST', '/api/comments', { json: newComment({ email: EMAILS[0], url: 'javascript:x' }) }))
  await add('post bad email', t.request('POST', '/api/comments', { json: newComment({ email: `${EMAILS[0]}@@` }) }))
  await add('patch', t.request('PATCH', `/api/comments/${ids[1]}`, { json: { body: 'edited again' }, headers: { authorization: `Bearer ${tokens[1]}` } }))
  await add('report', t.request('POST', `/api/comments/${ids[2]}/report`, { json: { reason: 'spam' } }))
  for (const id of ids) {
    await add(`locate ${id}`, t.request('GET', `/api/comments/${id}/locate?site=news&uri=/private`))
    await add(`locate own ${id}`, t.request('GET', `/api/comments/${id}/locate?site=news&uri=/private`, { headers: { authorization: `Bearer ${tokens.join(',')}` } }))
  }
  // Votes (issue 15): casting, taking back, refusals, and reads that name the voter.
  const voter = 'privacy-voter-0123456789'
  for (const id of ids) {
    await add(`vote ${id}`, t.request('POST', `/api/comments/${id}/vote`, { json: { value: 1, voter } }))
    await add(`vote own ${id}`, t.request('POST', `/api/comments/${id}/vote`, { json: { value: 1, voter }, headers: { authorization: `Bearer ${tokens.join(',')}` } }))
    await add(`downvote ${id}`, t.request('POST', `/api/comments/${id}/vote`, { json: { value: -1, voter } }))
  }
  await add('list with voter', t.request('GET', '/api/comments?site=news&uri=/private&sort=best', { headers: { 'x-parley-voter': voter } }))
  await add('list best', t.request('GET', '/api/comments?site=news&uri=/private&sort=best'))
  await add('counts', t.request('GET', '/api/counts?site=news&uri=/private'))
  // The live stream (issue 15): a new comment and an edit by a distinctive author, as streamed.
  {
    const { SseReader } = await import('../helpers/sse.js')
    const res = await t.request('GET', '/api/stream?site=news&uri=/private')
    const sse = new SseReader(res)
    await sse.waitFor((e) => e.event === 'ready')
    t.clock.advanceSeconds(60)
    const posted = (await (await t.request('POST', '/api/comments', { json: newComment({ uri: '/private', email: EMAILS[0], name: 'Streamed', url: 'example.org' }) })).json()) as any
    await sse.waitFor((e) => e.event === 'comment' && e.id === posted.comment.id)
    t.clock.advanceSeconds(1)
    await t.request('PATCH', `/api/comments/${posted.comment.id}`, { json: { body: 'streamed edit' }, headers: { authorization: `Bearer ${posted.editToken}` } })
    await sse.waitFor((e) => e.event === 'update' && e.id === posted.comment.id)
    await sse.close()
    out.push({ name: 'stream', res: new Response(sse.raw, { headers: res.headers }) })
  }
  // Atom feeds (issue 15).
  await add('feed site', t.request('GET', '/feed/news.atom'))
  await add('feed thread', t.request('GET', '/feed/news/thread.atom?uri=/private'))
  await add('config', t.request('GET', '/api/config?site=news'))
  await add('healthz', t.request('GET', '/healthz'))
  // The pages behind the links in a commenter's emails (GET and the POST that acts).
  for (const email of EMAILS) {
    const key = await t.deps.keys.emailKey(email)
    for (const url of [await confirmUrl(t.deps, 'news', key), await unsubscribeUrl(t.deps, 'news', key)]) {
      const u = new URL(url)
      await add(`GET ${u.pathname}`, t.request('GET', u.pathname + u.search))
      await add(`POST ${u.pathname}`, t.request('POST', u.pathname + u.search, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    }
  }
  // Following an article (issue 15): asking (known, new and bad addresses, from the site's page
  // too), and the pages behind the confirmation and unsubscribe links, GET and the POST that acts.
  for (const email of [...EMAILS, 'nobody.known@privacy.example']) {
    await add('POST /api/follows', t.request('POST', '/api/follows', { json: { site: 'news', uri: '/private', email } }))
    await add('POST /api/follows from the site', t.request('POST', '/api/follows', { json: { site: 'news', uri: '/private', email, lang: 'es' }, headers: { origin: NEWS_ORIGIN } }))
  }
  await add('POST /api/follows bad email', t.request('POST', '/api/follows', { json: { site: 'news', uri: '/private', email: `${EMAILS[0]}@@` } }))
  await add('POST /api/follows other origin', t.request('POST', '/api/follows', { json: { site: 'news', uri: '/private', email: EMAILS[0] }, headers: { origin: 'https://evil.example' } }))
  for (const f of await t.deps.db.selectFrom('thread_follows').select('id').orderBy('id').execute()) {
    for (const url of [await followConfirmUrl(t.deps, 'news', f.id), await followUnsubscribeUrl(t.deps, 'news', f.id), await followConfirmUrl(t.deps, 'news', f.id)]) {
      const u = new URL(url)
      await add(`GET ${u.pathname}`, t.request('GET', u.pathname + u.search))
      await add(`POST ${u.pathname}`, t.request('POST', u.pathname + u.search, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    }
  }
  // The reader's privacy pages and API: asking for a link, the link's page and its buttons
  // (all but the final erase), for known and unknown addresses, and bad links.
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }
  await add('GET /privacy', t.request('GET', '/privacy?site=news'))
  await add('GET /privacy unknown site', t.request('GET', '/privacy?site=nosuch'))
  for (const email of [...EMAILS, 'nobody.known@privacy.example']) {
    await add('POST /api/privacy/requests', t.request('POST', '/api/privacy/requests', { json: { site: 'news', email } }))
    await add('POST /privacy', t.request('POST', '/privacy', { body: new URLSearchParams({ site: 'news', email }).toString(), headers: formHeaders }))
    const token = await signToken(t.deps.keys, 'privacy', { site: 'news', key: await t.deps.keys.emailKey(email), t: t.clock.now().getTime() }, t.clock.now())
    await add('GET /privacy/manage', t.request('GET', `/privacy/manage?token=${token}`))
    await add('POST /privacy/manage/unsubscribe', t.request('POST', '/privacy/manage/unsubscribe', { body: new URLSearchParams({ token }).toString(), headers: formHeaders }))
    await add('POST /privacy/manage/erase (confirm step)', t.request('POST', '/privacy/manage/erase', { body: new URLSearchParams({ token }).toString(), headers: formHeaders }))
    const follow = await t.deps.db.selectFrom('thread_follows').select('id').where('email_key', '=', await t.deps.keys.emailKey(email)).executeTakeFirst()
    if (follow) await add('POST /privacy/manage/unfollow', t.request('POST', '/privacy/manage/unfollow', { body: new URLSearchParams({ token, follow: follow.id }).toString(), headers: formHeaders }))
    await add('POST /api/privacy/unsubscribe', t.request('POST', '/api/privacy/unsubscribe', { json: { token } }))
  }
  await add('POST /privacy bad email', t.request('POST', '/privacy', { body: new URLSearchParams({ site: 'news', email: `${EMAILS[0]}@@` }).toString(), headers: formHeaders }))
  await add('GET /privacy/manage bad token', t.request('GET', '/privacy/manage?token=forged.0000'))
  await add('POST /api/privacy/export bad token', t.request('POST', '/api/privacy/export', { json: { token: 'forged.0000' } }))
  const list = (await (await t.request('GET', '/api/comments?site=news&uri=/private')).json()) as any
  for (const c of list.comments) if (c.author.avatar) await add(`avatar ${c.id}`, t.request('GET', new URL(c.author.avatar).pathname))
  return out
}

describe('privacy', () => {
  it("never puts a commenter's email, or an md5/sha1/sha256 of it, in a public response body or header", async () => {
    const responses = await publicResponses()
    expect(responses.length).toBeGreaterThan(12)
    const needles = EMAILS.flatMap(fingerprints)
    for (const { name, res } of responses) {
      const text = (await res.text()).toLowerCase()
      const headers = JSON.stringify([...res.headers.entries()]).toLowerCase()
      for (const n of needles) {
        expect(text.includes(n.toLowerCase()), `${name} body carries ${n}`).toBe(false)
        expect(headers.includes(n.toLowerCase()), `${name} headers carry ${n}`).toBe(false)
      }
    }
  })

  it("the privacy download carries only its own reader's address, never another's", async () => {
    for (const [i, email] of EMAILS.entries()) {
      const token = await signToken(t.deps.keys, 'privacy', { site: 'news', key: await t.deps.keys.emailKey(email), t: t.clock.now().getTime() }, t.clock.now())
      const res = await t.request('POST', '/api/privacy/export', { json: { token } })
      expect(res.status).toBe(200)
      const text = (await res.text()).toLowerCase()
      expect(text).toContain(email.toLowerCase())
      for (const other of EMAILS.filter((_, j) => j !== i).flatMap(fingerprints)) expect(text.includes(other.toLowerCase()), `${email}'s download carries ${other}`).toBe(false)
      expect(JSON.stringify([...res.headers.entries()]).toLowerCase()).not.toContain(email.toLowerCase())
    }
  })

  it('never writes an email address into the log', async () => {
    await publicResponses()
    const log = t.logLines.join('\n').toLowerCase()
    expect(t.logLines.length).toBeGreaterThan(0)
    for (const e of EMAILS) expect(log).not.toContain(e.toLowerCase().split('@')[0])
  })

  it('never puts an email address in a URL of the mails we send', async () => {
    const { deliverDue } = await import('../../src/notifications/outbox.js')
    const { sendDueDigests } = await import('../../src/follows/digest.js')
    // Follows (the scan's, and one more), confirmed (again: the scan's "Stop all emails" ended them), and a comment since: a digest to each.
    await t.request('POST', '/api/follows', { json: { site: 'news', uri: '/private', email: EMAILS[1] } })
    for (const f of await t.deps.db.selectFrom('thread_follows').select('id').execute()) {
      const u = new URL(await followConfirmUrl(t.deps, 'news', f.id))
      expect((await t.request('POST', u.pathname + u.search)).status).toBe(200)
    }
    t.clock.advanceSeconds(60)
    await t.request('POST', '/api/comments', { json: newComment({ uri: '/private', body: 'news for the followers' }) })
    expect((await sendDueDigests(t.deps)).digests).toBeGreaterThan(0)
    await deliverDue(t.deps, { limit: 500 })
    expect(t.mailer.sent.some((m) => m.subject.includes('New comment on'))).toBe(true)
    expect(t.mailer.sent.length).toBeGreaterThan(0)
    const needles = EMAILS.flatMap(fingerprints).map((n) => n.toLowerCase())
    const urls = t.mailer.sent.flatMap((m) => [m.text, m.html, ...Object.values(m.headers)].join(' ').match(/https?:\/\/[^\s"'<>]+/g) ?? [])
    expect(urls.length).toBeGreaterThan(0)
    for (const url of urls) for (const n of needles) expect(url.toLowerCase().includes(n), `${url} carries ${n}`).toBe(false)
  })

  it('still stores the email for moderators', async () => {
    const row = await t.deps.db.selectFrom('comments').select('author_email').where('id', '=', ids[0]!).executeTakeFirstOrThrow()
    expect(row.author_email).toBe(EMAILS[0])
  })
})

describe('avatars are no email oracle', () => {
  let a: TestContext
  beforeAll(async () => {
    a = await createTestContext() // trusted mode: a first comment is held
    await addSite(a.testDb.db, { id: 'blog', origins: ['https://blog.example'], settings: { moderationMode: 'post' } }, a.clock.now())
  })
  afterAll(() => a.close())

  const DEFAULT = `${PUBLIC_URL}/avatar/default.svg`
  const emailAvatar = /\/avatar\/[0-9a-f]{40}\.svg$/
  async function postAs(over: Record<string, unknown>) {
    a.clock.advanceSeconds(60)
    const res = await a.request('POST', '/api/comments', { json: newComment({ uri: '/avatars', ...over }) })
    return { status: res.status, body: (await res.json()) as any }
  }

  it('gives a held, spam or edited-but-held comment the default avatar in every answer, until it is approved', async () => {
    const victim = 'victim.person@example.org'
    const held = await postAs({ email: victim, name: 'Victim' })
    expect(held.status).toBe(202)
    expect(held.body.comment.author.avatar).toBe(DEFAULT)
    const spam = await postAs({ email: victim, name: 'Guess', hp: 'filled' })
    expect(spam.status).toBe(202)
    expect(spam.body.comment.author.avatar).toBe(DEFAULT)
    const mine = await a.request('GET', '/api/comments?site=news&uri=/avatars', { headers: { authorization: `Bearer ${held.body.editToken}, ${spam.body.editToken}` } })
    const listed = ((await mine.json()) as any).comments
    expect(listed.map((c: any) => c.author.avatar)).toEqual([DEFAULT, DEFAULT])
    const edited = await a.request('PATCH', `/api/comments/${held.body.comment.id}`, { json: { body: 'edited' }, headers: { authorization: `Bearer ${held.body.editToken}` } })
    expect(((await edited.json()) as any).comment.author.avatar).toBe(DEFAULT)
    await a.deps.db.transaction().execute((trx) => applyModerationAction(trx, a.deps, { ids: [held.body.comment.id], action: 'approve', actor: null }))
    const pub = ((await (await a.request('GET', '/api/comments?site=news&uri=/avatars')).json()) as any).comments
    expect(pub).toHaveLength(1)
    expect(pub[0].author.avatar).toMatch(emailAvatar)
    const svg = await a.request('GET', new URL(DEFAULT).pathname)
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
  })

  it('keys avatars per site: the same email on two sites shows two pictures', async () => {
    const email = 'two.sites@example.org'
    const onNews = await postAs({ email, name: 'Two', uri: '/avatars/2' })
    await a.deps.db.transaction().execute((trx) => applyModerationAction(trx, a.deps, { ids: [onNews.body.comment.id], action: 'approve', actor: null }))
    const onBlog = await postAs({ site: 'blog', email, name: 'Two', uri: '/avatars/2' })
    expect(onBlog.status).toBe(201)
    const newsAvatar = ((await (await a.request('GET', '/api/comments?site=news&uri=/avatars/2')).json()) as any).comments[0].author.avatar
    expect(newsAvatar).toMatch(emailAvatar)
    expect(onBlog.body.comment.author.avatar).toMatch(emailAvatar)
    expect(onBlog.body.comment.author.avatar).not.toBe(newsAvatar)
  })

  it('makes the stored keys of older comments per site (rekeyAvatars), from the stored email', async () => {
    const old = await postAs({ site: 'blog', email: 'old.key@example.org', name: 'Old', uri: '/avatars/3' })
    await a.deps.db.updateTable('comments').set({ avatar_key: 'ab'.repeat(16) }).where('id', '=', old.body.comment.id).execute()
    expect(await rekeyAvatars(a.deps.db, a.deps.keys, 2)).toBeGreaterThanOrEqual(1)
    const row = await a.deps.db.selectFrom('comments').select('avatar_key').where('id', '=', old.body.comment.id).executeTakeFirstOrThrow()
    expect(row.avatar_key).toBe(await a.deps.keys.avatarKey('blog', { email: 'old.key@example.org', name: 'Old' }))
    expect(await rekeyAvatars(a.deps.db, a.deps.keys)).toBe(0)
  })
})
