import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../src/auth/user.service.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
let threadId: string
let commentId: string

const SAME = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }
const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x)
  return p.toString()
}
const formPost = (who: { cookie: string } | null, path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = SAME) =>
  t.request('POST', path, {
    body: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(who ? { cookie: who.cookie } : {}), ...headers },
  })
const statusOf = async (id: string) => (await t.deps.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
async function post(over: Record<string, unknown> = {}) {
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: newComment(over) })
  expect([201, 202]).toContain(res.status)
  return (await res.json()).comment.id as string
}

beforeAll(async () => {
  t = await createTestContext()
  admin = await signIn(t)
  commentId = await post({ uri: '/ui/first' })
  threadId = (await t.deps.db.selectFrom('comments').select('thread_id').where('id', '=', commentId).executeTakeFirstOrThrow()).thread_id
})
afterAll(() => t.close())

describe('without a session', () => {
  const pages = () => [
    '/mod',
    '/mod/queue',
    '/mod/queue?queue=spam',
    '/mod/threads',
    `/mod/threads/${threadId}`,
    `/mod/comments/${commentId}`,
    '/mod/bans',
    `/mod/ban?comment=${commentId}`,
    '/mod/audit',
    '/mod/settings',
    '/mod/sites/news/settings',
    '/mod/counts',
    '/mod/no-such-page',
  ]
  it('every /mod page redirects to sign-in, remembering where it was going', async () => {
    for (const path of pages()) {
      const res = await t.request('GET', path)
      expect(res.status, path).toBe(303)
      const loc = res.headers.get('location')!
      expect(loc, path).toMatch(/^\/mod\/login\?next=/)
      expect(decodeURIComponent(loc.split('next=')[1]!), path).toBe(path)
    }
  })
  it('every form post redirects to sign-in and changes nothing', async () => {
    for (const path of ['/mod/act', '/mod/undo', '/mod/ban', '/mod/sites/news/settings', `/mod/threads/${threadId}`, '/mod/sites/news/moderators']) {
      const res = await formPost(null, path, { one: `${commentId}:approve`, closed: '1', email: 'x@example.org', moderationMode: 'post' })
      expect(res.status, path).toBe(303)
      expect(res.headers.get('location'), path).toBe('/mod/login')
    }
    expect(await statusOf(commentId)).toBe('pending')
  })
  it('the sign-in page and the assets are served', async () => {
    const page = await t.request('GET', '/mod/login')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<form method="post" action="/mod/login">')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await t.request('GET', '/mod/assets/mod.js')).headers.get('content-type')).toContain('javascript')
    expect((await t.request('GET', '/mod/assets/mod.css')).status).toBe(200)
  })
})

describe('sign in and out', () => {
  it('signs in with a form post, and says clearly when the password is wrong', async () => {
    const email = 'form-login@newsroom.example'
    await createUser(t.deps.db, t.deps.passwords, { email, password: 'a-long-password', role: 'moderator', sites: null }, t.clock.now())
    const bad = await formPost(null, '/mod/login', { email, password: 'wrong-password' }, { ...SAME, 'x-test-ip': '203.0.113.7' })
    expect(bad.status).toBe(401)
    expect(await bad.text()).toContain('do not match an account')
    const ok = await formPost(null, '/mod/login', { email, password: 'a-long-password', next: '/mod/threads' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/mod/threads')
    expect(ok.headers.getSetCookie().some((c) => c.startsWith('parley_session=') && /SameSite=Lax/i.test(c) && /HttpOnly/i.test(c))).toBe(true)
  })
  it('never redirects off the UI after sign-in', async () => {
    const email = 'redirect@newsroom.example'
    await createUser(t.deps.db, t.deps.passwords, { email, password: 'a-long-password', role: 'moderator', sites: null }, t.clock.now())
    const res = await formPost(null, '/mod/login', { email, password: 'a-long-password', next: '//evil.example/x' })
    expect(res.headers.get('location')).toBe('/mod/queue')
  })
  it('shows the lockout message after repeated failures, even for the right password', async () => {
    const email = 'locked@newsroom.example'
    await createUser(t.deps.db, t.deps.passwords, { email, password: 'a-long-password', role: 'moderator', sites: null }, t.clock.now())
    const from = (ip: string, password: string) =>
      t.request('POST', '/mod/login', { ip, body: form({ email, password }), headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME } })
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.8', `wrong-${i}`)).status).toBe(401)
    const res = await from('203.0.113.8', 'a-long-password')
    expect(res.status).toBe(429)
    expect(await res.text()).toMatch(/Too many failed sign-ins.*locked for about 15 minutes/)
    // Only from that address: the moderator's own address still signs in.
    expect((await from('198.51.100.77', 'a-long-password')).status).toBe(303)
  })
  it('an admin clears a team member’s sign-in lock from the settings page', async () => {
    const email = 'locked-out@newsroom.example'
    const user = await createUser(t.deps.db, t.deps.passwords, { email, password: 'a-long-password', role: 'moderator', sites: ['news'] }, t.clock.now())
    const from = (password: string) =>
      t.request('POST', '/mod/login', { ip: '203.0.113.9', body: form({ email, password }), headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME } })
    for (let i = 0; i < 5; i++) expect((await from(`wrong-${i}`)).status).toBe(401)
    expect((await from('a-long-password')).status).toBe(429)
    const page = await (await admin.request('GET', '/mod/sites/news/settings')).text()
    expect(page).toContain('5 failed sign-ins today')
    expect(page).toContain(`action="/mod/sites/news/moderators/${user.id}/unlock"`)
    // A moderator may not; the admin may.
    const m = await signIn(t, { role: 'moderator', sites: ['news'] })
    expect((await formPost(m, `/mod/sites/news/moderators/${user.id}/unlock`, {})).status).toBe(403)
    expect((await from('a-long-password')).status).toBe(429)
    const res = await formPost(admin, `/mod/sites/news/moderators/${user.id}/unlock`, {})
    expect(res.status).toBe(303)
    expect((await from('a-long-password')).status).toBe(303)
    const row = await t.deps.db.selectFrom('moderation_actions').selectAll().where('action', '=', 'user_unlock').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ site_id: 'news', actor_id: admin.id })
    expect(await (await admin.request('GET', '/mod/sites/news/settings')).text()).not.toContain(`${user.id}/unlock`)
  })
  it('signs out: the session stops working', async () => {
    const m = await signIn(t, { role: 'moderator' })
    const out = await formPost(m, '/mod/logout', {})
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/mod/login')
    const after = await m.request('GET', '/mod/queue')
    expect(after.status).toBe(303)
  })
})

describe('CSRF', () => {
  it('refuses a form post from another origin (403 page), even with a valid session', async () => {
    const id = await post({ uri: '/ui/csrf' })
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'https://news.example', 'sec-fetch-site': 'same-site' }]
    for (const headers of attempts) {
      const res = await formPost(admin, '/mod/act', { one: `${id}:approve`, return: '/mod/queue' }, headers)
      expect(res.status).toBe(403)
      expect(res.headers.get('content-type')).toContain('text/html')
    }
    const login = await formPost(null, '/mod/login', { email: admin.email, password: admin.password }, { origin: 'https://evil.example' })
    expect(login.status).toBe(403)
    expect(await statusOf(id)).toBe('pending')
  })
})

describe('roles', () => {
  it('a moderator (not admin) cannot open or change settings: 403 page', async () => {
    const m = await signIn(t, { role: 'moderator' })
    const page = await m.request('GET', '/mod/sites/news/settings')
    expect(page.status).toBe(403)
    const html = await page.text()
    expect(html).toContain('Not allowed')
    expect(html).not.toContain('Save settings')
    const change = await formPost(m, '/mod/sites/news/settings', { moderationMode: 'post' })
    expect(change.status).toBe(403)
    const invite = await formPost(m, '/mod/sites/news/moderators', { email: 'sneaky@example.org' })
    expect(invite.status).toBe(403)
    // and the settings link is not offered
    expect(await (await m.request('GET', '/mod/queue')).text()).not.toContain('/settings"')
  })
  it('a moderator of another site cannot see this site’s queue or comments', async () => {
    await addSite(t.deps.db, { id: 'other', origins: ['https://other.example'] }, t.clock.now())
    const m = await signIn(t, { role: 'moderator', sites: ['other'] })
    const other = await signIn(t, { role: 'admin', sites: null })
    expect((await other.request('GET', `/mod/comments/${commentId}`)).status).toBe(200)
    expect((await m.request('GET', '/mod/queue?site=news')).status).toBe(403)
    expect((await m.request('GET', `/mod/comments/${commentId}`)).status).toBe(403)
    expect(await (await m.request('GET', '/mod/queue')).text()).not.toContain(`c-${commentId}`)
  })
})

describe('the queue without JavaScript', () => {
  it('shows a held comment with its reason, author details and actions', async () => {
    const id = await post({ uri: '/ui/links', body: 'See https://a.example and https://b.example', url: 'blog.example' })
    const html = await (await admin.request('GET', '/mod/queue?queue=pending&site=news')).text()
    expect(html).toContain(`id="c-${id}"`)
    expect(html).toMatch(/Held:.*link/i)
    expect(html).toContain(`value="${id}:approve"`)
    expect(html).toMatch(/<span class="count" data-count="pending"[^>]*>\d+<\/span>/)
    expect(html).toContain('href="https://news.example/ui/links"')
    // Newest first by default; oldest first on request, and the pager keeps the order.
    const oldest = await (await admin.request('GET', '/mod/queue?queue=pending&site=news&sort=oldest&limit=1')).text()
    expect(oldest).toContain(`id="c-${commentId}"`)
    expect(oldest).toMatch(/href="\/mod\/queue\?queue=pending&amp;site=news&amp;sort=oldest&amp;cursor=/)
  })
  it('carries what the script needs for live cards: the poll interval (LIVE_POLL_SECONDS) and a polite, hidden announcement', async () => {
    const html = await (await admin.request('GET', '/mod/queue?queue=pending')).text()
    expect(html).toContain(`data-poll="${t.deps.config.livePollSeconds}"`)
    expect(html).toContain(`data-since="${t.clock.now().toISOString()}"`)
    expect(html).toMatch(/<div class="newcards" id="queue-new" aria-live="polite"><button class="btn primary" type="button" id="queue-new-show" hidden=""><\/button><\/div>/)
    const counts = await admin.request('GET', '/mod/counts?site=news')
    expect(counts.status).toBe(200)
    expect(((await counts.json()) as { counts: Record<string, number> }).counts.pending).toBeGreaterThan(0)
  })
  it('shows reported comments with their reasons in the Reported queue', async () => {
    const id = await post({ uri: '/ui/reported' })
    expect((await formPost(admin, '/mod/act', { one: `${id}:approve`, return: '/mod/queue' })).status).toBe(303)
    expect(await statusOf(id)).toBe('approved')
    const rep = await t.request('POST', `/api/comments/${id}/report`, { json: { reason: 'abusive', details: 'Name-calling' } })
    expect(rep.status).toBe(202)
    const html = await (await admin.request('GET', '/mod/queue?queue=reported')).text()
    expect(html).toContain(`id="c-${id}"`)
    expect(html).toMatch(/Reports:.*abusive — “Name-calling”/s)
    expect(html).toContain('Keep (dismiss reports)')
  })
  it('approves with a plain form post and redirects back with a message', async () => {
    const id = await post({ uri: '/ui/approve' })
    const res = await formPost(admin, '/mod/act', { one: `${id}:approve`, return: '/mod/queue?queue=pending' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/mod/queue?queue=pending')
    expect(await statusOf(id)).toBe('approved')
    const flash = res.headers.getSetCookie().find((c) => c.startsWith('parley_flash='))!.split(';')[0]!
    const next = await t.request('GET', '/mod/queue?queue=pending', { headers: { cookie: `${admin.cookie}; ${flash}` } })
    expect(await next.text()).toContain('Approved 1 comment.')
  })
  it('rejects with a reason (kept in the audit log) and bulk-marks spam', async () => {
    const a = await post({ uri: '/ui/bulk' })
    const b = await post({ uri: '/ui/bulk' })
    const c = await post({ uri: '/ui/bulk' })
    expect((await formPost(admin, '/mod/act', { one: `${a}:reject`, [`reason-${a}`]: 'Off topic', return: '/mod/queue' })).status).toBe(303)
    expect(await statusOf(a)).toBe('rejected')
    const audit = await t.deps.db.selectFrom('moderation_actions').selectAll().where('comment_id', '=', a).where('action', '=', 'reject').executeTakeFirstOrThrow()
    expect(audit.reason).toBe('Off topic')
    const res = await formPost(admin, '/mod/act', { ids: [b, c], action: 'spam', return: '/mod/queue' })
    expect(res.status).toBe(303)
    expect([await statusOf(b), await statusOf(c)]).toEqual(['spam', 'spam'])
  })
  it('answers JSON with counts for the script, and undo puts comments back', async () => {
    const id = await post({ uri: '/ui/undo' })
    const res = await formPost(admin, '/mod/act', { ids: [id], action: 'approve', site: 'news' }, { ...SAME, accept: 'application/json' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.items).toEqual([{ id, from: 'pending', to: 'approved' }])
    expect(body.counts.approved).toBeGreaterThan(0)
    const mailsBefore = (await t.deps.db.selectFrom('email_outbox').select('id').where('kind', '=', 'moderation_needed').execute()).length
    const undo = await formPost(admin, '/mod/undo', { undo: `${id}:pending`, site: 'news' }, { ...SAME, accept: 'application/json' })
    expect(undo.status).toBe(200)
    expect((await undo.json()).items).toEqual([{ id, from: 'approved', to: 'pending' }])
    expect(await statusOf(id)).toBe('pending')
    // Back in the queue by undo is not news to moderators: no second "please moderate" email.
    expect((await t.deps.db.selectFrom('email_outbox').select('id').where('kind', '=', 'moderation_needed').execute()).length).toBe(mailsBefore)
  })
  it('an action that is no longer possible says so instead of failing', async () => {
    const id = await post({ uri: '/ui/stale' })
    expect((await formPost(admin, '/mod/act', { one: `${id}:spam`, return: '/mod/queue' })).status).toBe(303)
    expect(await statusOf(id)).toBe('spam')
    const res = await formPost(admin, '/mod/act', { one: `${id}:spam`, return: '/mod/queue' })
    expect(res.status).toBe(303)
    expect(decodeURIComponent(res.headers.getSetCookie().find((c) => c.startsWith('parley_flash='))!)).toContain('Cannot spam')
    expect(await statusOf(id)).toBe('spam')
  })
})

describe('settings, moderators and threads by form', () => {
  it('saves settings, showing field errors without saving anything when one is wrong', async () => {
    const bad = await formPost(admin, '/mod/sites/news/settings', { moderationMode: 'post', maxLinks: '-3', origins: 'https://news.example', requireNameEmail: '1' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('aria-invalid="true"')
    const ok = await formPost(admin, '/mod/sites/news/settings', {
      moderationMode: 'pre',
      maxLinks: '3',
      floodSeconds: '15',
      maxDepth: '5',
      editWindowSeconds: '900',
      closeAfterDays: '',
      moderationKeys: 'casino\n\n  viagra ',
      origins: 'https://news.example\nhttps://www.news.example',
      requireNameEmail: '1',
      notifyModerators: '1',
      replyNotifications: '1',
    })
    expect(ok.status).toBe(303)
    const s = await (await admin.request('GET', '/api/mod/sites/news/settings')).json()
    expect(s).toMatchObject({ moderationMode: 'pre', maxLinks: 3, moderationKeys: ['casino', 'viagra'], origins: ['https://news.example', 'https://www.news.example'], closeAfterDays: null })
    const back = await formPost(admin, '/mod/sites/news/settings', { moderationMode: 'trusted', maxLinks: '2', origins: 'https://news.example', requireNameEmail: '1', notifyModerators: '1', replyNotifications: '1' })
    expect(back.status).toBe(303)
    expect(await (await admin.request('GET', '/api/mod/sites/news/settings')).json()).toMatchObject({ moderationMode: 'trusted', maxLinks: 2, origins: ['https://news.example'] })
  })
  it("sets where the widget's form goes (issue 15, item 7): bottom by default, top when chosen, a wrong value refused", async () => {
    const page = await (await admin.request('GET', '/mod/sites/news/settings')).text()
    expect(page).toMatch(/<input type="radio" name="formPosition" value="bottom" checked/)
    const base = { moderationMode: 'trusted', maxLinks: '2', origins: 'https://news.example', requireNameEmail: '1', notifyModerators: '1', replyNotifications: '1' }
    expect((await formPost(admin, '/mod/sites/news/settings', { ...base, formPosition: 'top' })).status).toBe(303)
    expect((await (await t.request('GET', '/api/config?site=news')).json()).formPosition).toBe('top')
    expect(await (await admin.request('GET', '/mod/sites/news/settings')).text()).toMatch(/<input type="radio" name="formPosition" value="top" checked/)
    const bad = await formPost(admin, '/mod/sites/news/settings', { ...base, formPosition: 'middle' })
    expect(bad.status).toBe(400)
    expect((await (await t.request('GET', '/api/config?site=news')).json()).formPosition).toBe('top')
    expect((await formPost(admin, '/mod/sites/news/settings', { ...base, formPosition: 'bottom' })).status).toBe(303)
    expect((await (await t.request('GET', '/api/config?site=news')).json()).formPosition).toBe('bottom')
  })
  it('invites a moderator: an email with a single-use set-password link, also shown to the admin', async () => {
    const res = await formPost(admin, '/mod/sites/news/moderators', { email: 'New.Mod@Newsroom.example', role: 'moderator' })
    expect(res.status).toBe(303)
    const flash = JSON.parse(decodeURIComponent(res.headers.getSetCookie().find((c) => c.startsWith('parley_flash='))!.split(';')[0]!.slice('parley_flash='.length)))
    const link: string = flash.link
    expect(link).toMatch(/^http:\/\/parley\.test\/mod\/set-password\?token=/)
    const user = await t.deps.db.selectFrom('users').selectAll().where('email', '=', 'new.mod@newsroom.example').executeTakeFirstOrThrow()
    expect(user.password_hash).toBeNull()
    expect(user.global_role).toBeNull()
    expect(await t.deps.db.selectFrom('site_roles').select(['site_id', 'role']).where('user_id', '=', user.id).execute()).toEqual([{ site_id: 'news', role: 'moderator' }])
    const mail = await t.deps.db.selectFrom('email_outbox').selectAll().where('kind', '=', 'moderator_invite').executeTakeFirstOrThrow()
    expect(mail.to_address).toBe('new.mod@newsroom.example')
    expect(mail.text_body).toContain(link)

    const path = link.slice(PUBLIC_URL.length)
    const token = new URL(link).searchParams.get('token')!
    expect((await t.request('GET', path)).status).toBe(200)
    const mismatch = await formPost(null, '/mod/set-password', { token, password: 'chosen-password-1', confirm: 'other-password-1' })
    expect(mismatch.status).toBe(400)
    const set = await formPost(null, '/mod/set-password', { token, password: 'chosen-password-1', confirm: 'chosen-password-1' })
    expect(set.status).toBe(303)
    expect(set.headers.getSetCookie().some((c) => c.startsWith('parley_session=') && !c.startsWith('parley_session=;'))).toBe(true)
    // Single use.
    expect((await t.request('GET', path)).status).toBe(400)
    expect((await formPost(null, '/mod/set-password', { token, password: 'another-password-2', confirm: 'another-password-2' })).status).toBe(400)
    const login = await t.request('POST', '/api/auth/login', { json: { email: 'new.mod@newsroom.example', password: 'chosen-password-1' } })
    expect(login.status).toBe(200)

    // The admin changes their role, then removes them.
    expect((await formPost(admin, `/mod/sites/news/moderators/${user.id}/role`, { role: 'admin' })).status).toBe(303)
    expect((await t.deps.db.selectFrom('site_roles').select('role').where('user_id', '=', user.id).where('site_id', '=', 'news').executeTakeFirstOrThrow()).role).toBe('admin')
    expect((await formPost(admin, `/mod/sites/news/moderators/${user.id}/remove`, {})).status).toBe(303)
    expect(await t.deps.db.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst()).toBeUndefined()
  })
  it('closes and reopens a thread, and sets its article authors', async () => {
    const author = await formPost(admin, '/mod/sites/news/authors', { handle: 'Ashley-Davis', name: 'Ashley Davis', email: 'ashley@newsroom.example', notify: '1' })
    expect(author.status).toBe(303)
    expect(await t.deps.db.selectFrom('site_authors').select(['handle', 'name']).where('site_id', '=', 'news').execute()).toContainEqual({ handle: 'ashley-davis', name: 'Ashley Davis' })
    const page = async () => (await admin.request('GET', `/mod/threads/${threadId}`)).text()
    expect(await page()).toContain('Close the thread')

    expect((await formPost(admin, `/mod/threads/${threadId}`, { closed: '1' })).status).toBe(303)
    const closed = await t.request('POST', '/api/comments', { json: newComment({ uri: '/ui/first' }) })
    expect(closed.status).toBe(403)
    expect((await closed.json()).error.code).toBe('comments_closed')
    const closedPage = await page()
    expect(closedPage).toContain('Reopen the thread')
    expect(closedPage).toContain('Closed: nobody can post here.')
    expect(closedPage).not.toContain('Close the thread')

    expect((await formPost(admin, `/mod/threads/${threadId}`, { closed: '0' })).status).toBe(303)
    t.clock.advanceSeconds(60)
    expect([201, 202]).toContain((await t.request('POST', '/api/comments', { json: newComment({ uri: '/ui/first' }) })).status)
    expect((await formPost(admin, `/mod/threads/${threadId}/authors`, { authors: 'ashley-davis' })).status).toBe(303)
    const html = await page()
    expect(html).toMatch(/value="ashley-davis" checked/)
    expect(html).toContain('Close the thread')
    expect(html).toContain('Open: readers can post here.')
  })
  it('renders the threads list, the audit log with filters, and bans', async () => {
    expect(await (await admin.request('GET', '/mod/threads')).text()).toContain(`/mod/threads/${threadId}`)
    const other = await post({ uri: '/ui/audit-other' })
    const audit = await (await admin.request('GET', `/mod/audit?site=news&actor=system&commentId=${commentId}`)).text()
    expect(audit).toContain('pipeline')
    expect(audit).toContain(`href="/mod/comments/${commentId}"`)
    // The filter holds: another comment's entries are not on the page, and are on its own.
    expect(audit).not.toContain(`href="/mod/comments/${other}"`)
    expect(await (await admin.request('GET', `/mod/audit?site=news&actor=system&commentId=${other}`)).text()).toContain(`href="/mod/comments/${other}"`)
    const ban = await formPost(admin, '/mod/ban', { comment: commentId, byEmail: '1', scope: 'site', duration: '7', reason: 'Trolling', return: '/mod/queue' })
    expect(ban.status).toBe(303)
    expect(await (await admin.request('GET', '/mod/bans')).text()).toContain('Trolling')
  })
})
