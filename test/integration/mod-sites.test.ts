import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
let mod: SignedIn
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
  await addSite(t.deps.db, { id: 'sports', name: 'Sports', origins: [] }, t.clock.now())
  admin = await signIn(t)
  mod = await signIn(t, { role: 'moderator', sites: ['news'] })
})
afterAll(() => t.close())

async function post(over: Record<string, unknown> = {}) {
  t.clock.advanceSeconds(20)
  return t.request('POST', '/api/comments', { json: newComment(over) })
}
const auditRows = (action: string) =>
  t.deps.db.selectFrom('moderation_actions').selectAll().where('action', '=', action).orderBy('id').execute()

describe('site settings', () => {
  it('answers the whole settings object to the site’s moderators', async () => {
    const res = await mod.request('GET', '/api/mod/sites/news/settings')
    expect(res.status).toBe(200)
    const s = await res.json()
    expect(s).toMatchObject({ moderationMode: 'post', maxLinks: 2, floodSeconds: 15, origins: ['https://news.example'], closeAfterDays: null })
    expect((await mod.request('GET', '/api/mod/sites/sports/settings')).status).toBe(403)
    expect((await admin.request('GET', '/api/mod/sites/nowhere/settings')).status).toBe(404)
  })

  it('lets admins only change them', async () => {
    const res = await mod.request('PATCH', '/api/mod/sites/news/settings', { json: { moderationMode: 'pre' } })
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('forbidden')
    const limitedAdmin = await signIn(t, { role: 'admin', sites: ['sports'] })
    expect((await limitedAdmin.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 3 } })).status).toBe(403)
    expect((await limitedAdmin.request('PATCH', '/api/mod/sites/sports/settings', { json: { maxLinks: 3 } })).status).toBe(200)
  })

  it('takes effect on the next comment, and is audited with the changed keys', async () => {
    expect((await post()).status).toBe(201)
    const res = await admin.request('PATCH', '/api/mod/sites/news/settings', {
      json: { moderationMode: 'pre', maxLinks: 2, moderatorEmails: ['desk@news.example'] },
    })
    expect(res.status).toBe(200)
    const s = await res.json()
    // Keys not sent keep their values (origins is not reset to its default).
    expect(s).toMatchObject({ moderationMode: 'pre', maxLinks: 2, moderatorEmails: ['desk@news.example'], floodSeconds: 15, origins: ['https://news.example'] })
    const held = await post()
    expect(held.status).toBe(202)
    expect((await held.json()).comment.status).toBe('pending')
    const audit = (await auditRows('settings')).at(-1)!
    // maxLinks was sent but did not change.
    expect(audit).toMatchObject({ site_id: 'news', actor_id: admin.id, details: { changed: ['moderationMode', 'moderatorEmails'] } })
    // Back to post-moderation: published again.
    expect((await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { moderationMode: 'post' } })).status).toBe(200)
    expect((await post()).status).toBe(201)
  })

  it('validates each field (400 with fields; unknown settings refused) and changes nothing', async () => {
    const res = await admin.request('PATCH', '/api/mod/sites/news/settings', {
      json: { moderationMode: 'sometimes', maxLinks: -1, origins: ['not a url'] },
    })
    expect(res.status).toBe(400)
    const paths = (await res.json()).error.fields.map((f: { path: string }) => f.path).sort()
    expect(paths).toEqual(['maxLinks', 'moderationMode', 'origins'])
    expect((await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { colour: 'red' } })).status).toBe(400)
    const s = await (await admin.request('GET', '/api/mod/sites/news/settings')).json()
    expect(s.moderationMode).toBe('post')
    expect(s).not.toHaveProperty('colour')
  })
})

describe('threads', () => {
  it('lists threads with counts per status, searchable by title and uri', async () => {
    expect((await post({ uri: '/threads/listed', title: 'A listed story about kites' })).status).toBe(201)
    const res = await mod.request('GET', '/api/mod/threads?site=news&q=KITES')
    expect(res.status).toBe(200)
    const { items } = await res.json()
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({
      site: 'news',
      uri: '/threads/listed',
      title: 'A listed story about kites',
      closed: false,
      authors: [],
      commentCount: 1,
      counts: { pending: 0, approved: 1, rejected: 0, spam: 0, deleted: 0 },
    })
    const byUri = await (await mod.request('GET', '/api/mod/threads?site=news&q=threads/list')).json()
    expect(byUri.items.map((i: { id: string }) => i.id)).toEqual([items[0].id])
    expect((await mod.request('GET', '/api/mod/threads?site=sports')).status).toBe(403)
  })

  it('closing a thread refuses new comments (403 comments_closed); reopening allows them', async () => {
    const uri = '/threads/closing'
    expect((await post({ uri })).status).toBe(201)
    const [thread] = (await (await mod.request('GET', `/api/mod/threads?site=news&q=${uri}`)).json()).items
    const closed = await mod.request('PATCH', `/api/mod/threads/${thread.id}`, { json: { closed: true } })
    expect(closed.status).toBe(200)
    expect((await closed.json()).thread.closed).toBe(true)
    const refused = await post({ uri })
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('comments_closed')
    expect((await (await t.request('GET', `/api/comments?site=news&uri=${uri}`)).json()).thread.closed).toBe(true)
    expect((await mod.request('PATCH', `/api/mod/threads/${thread.id}`, { json: { closed: false } })).status).toBe(200)
    expect((await post({ uri })).status).toBe(201)
    expect((await auditRows('thread_close')).at(-1)).toMatchObject({ actor_id: mod.id, details: { threadId: thread.id } })
    expect((await auditRows('thread_reopen')).at(-1)).toMatchObject({ actor_id: mod.id, details: { threadId: thread.id } })
  })

  it('closeAfterDays closes old threads automatically', async () => {
    const uri = '/threads/ageing'
    expect((await post({ uri })).status).toBe(201)
    expect((await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { closeAfterDays: 2 } })).status).toBe(200)
    t.clock.advance(2 * 86_400_000 + 60_000)
    const refused = await post({ uri })
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('comments_closed')
    expect((await post({ uri: '/threads/brand-new' })).status).toBe(201)
    expect((await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { closeAfterDays: null } })).status).toBe(200)
    expect((await post({ uri })).status).toBe(201)
  })

  it('retitles a thread (the public thread shows it) and refuses unknown threads and other sites', async () => {
    const uri = '/threads/retitle'
    expect((await post({ uri, title: 'Old title' })).status).toBe(201)
    const [thread] = (await (await admin.request('GET', `/api/mod/threads?q=${uri}`)).json()).items
    const res = await mod.request('PATCH', `/api/mod/threads/${thread.id}`, { json: { title: 'New title' } })
    expect((await res.json()).thread.title).toBe('New title')
    expect((await (await t.request('GET', `/api/comments?site=news&uri=${uri}`)).json()).thread.title).toBe('New title')
    expect((await mod.request('PATCH', '/api/mod/threads/nosuchthread', { json: { closed: true } })).status).toBe(404)
    await post({ site: 'sports', uri: '/sports/thread' })
    const sports = (await (await admin.request('GET', '/api/mod/threads?site=sports')).json()).items[0]
    expect((await mod.request('PATCH', `/api/mod/threads/${sports.id}`, { json: { closed: true } })).status).toBe(403)
  })
})

describe('article authors', () => {
  it('admins register, edit and remove authors; moderators may only list them', async () => {
    const body = { handle: 'Ashley-Davis', name: 'Ashley Davis', email: 'ashley.davis@newsroom.example' }
    expect((await mod.request('POST', '/api/mod/sites/news/authors', { json: body })).status).toBe(403)
    const created = await admin.request('POST', '/api/mod/sites/news/authors', { json: body })
    expect(created.status).toBe(201)
    expect((await created.json()).author).toMatchObject({ handle: 'ashley-davis', name: 'Ashley Davis', email: body.email, notify: true })
    expect((await admin.request('POST', '/api/mod/sites/news/authors', { json: body })).status).toBe(409)
    const list = await (await mod.request('GET', '/api/mod/sites/news/authors')).json()
    expect(list.items.map((a: { handle: string }) => a.handle)).toEqual(['ashley-davis'])
    expect((await mod.request('PATCH', '/api/mod/sites/news/authors/ashley-davis', { json: { notify: false } })).status).toBe(403)
    const edited = await admin.request('PATCH', '/api/mod/sites/news/authors/ashley-davis', { json: { name: 'Ashley D.', notify: false } })
    expect((await edited.json()).author).toMatchObject({ name: 'Ashley D.', notify: false, email: body.email })
    expect((await admin.request('POST', '/api/mod/sites/news/authors', { json: { handle: 'x y', name: '', email: 'no' } })).status).toBe(400)
    expect((await admin.request('DELETE', '/api/mod/sites/news/authors/ashley-davis')).status).toBe(204)
    expect((await admin.request('DELETE', '/api/mod/sites/news/authors/ashley-davis')).status).toBe(404)
    expect((await auditRows('author_add')).at(-1)).toMatchObject({ site_id: 'news', details: { handle: 'ashley-davis' } })
    expect((await auditRows('author_remove')).at(-1)).toMatchObject({ site_id: 'news', details: { handle: 'ashley-davis' } })
  })

  it('a handle on a public post only counts once registered, and the first one sticks', async () => {
    const uri = '/authors/sticky'
    const authorsOf = async () => (await (await admin.request('GET', `/api/mod/threads?site=news&q=${uri}`)).json()).items[0].authors
    expect((await post({ uri, author: 'jo-reporter' })).status).toBe(201)
    expect(await authorsOf()).toEqual([])
    for (const handle of ['jo-reporter', 'sam-editor']) {
      const r = await admin.request('POST', '/api/mod/sites/news/authors', { json: { handle, name: handle, email: `${handle}@newsroom.example` } })
      expect(r.status).toBe(201)
    }
    expect((await post({ uri, author: 'jo-reporter' })).status).toBe(201)
    expect(await authorsOf()).toEqual(['jo-reporter'])
    expect((await post({ uri, author: 'sam-editor' })).status).toBe(201)
    expect(await authorsOf()).toEqual(['jo-reporter'])
    // A moderator can change them, to registered handles only.
    const [thread] = (await (await admin.request('GET', `/api/mod/threads?site=news&q=${uri}`)).json()).items
    const bad = await mod.request('PATCH', `/api/mod/threads/${thread.id}`, { json: { authors: ['sam-editor', 'nobody'] } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.fields[0]).toMatchObject({ path: 'authors', message: expect.stringContaining('nobody') })
    const ok = await mod.request('PATCH', `/api/mod/threads/${thread.id}`, { json: { authors: ['sam-editor'] } })
    expect((await ok.json()).thread.authors).toEqual(['sam-editor'])
  })

  it('never shows an author’s or moderator’s email in public answers', async () => {
    const uri = '/authors/private'
    expect((await post({ uri, author: 'jo-reporter' })).status).toBe(201)
    const text = await (await t.request('GET', `/api/comments?site=news&uri=${uri}`)).text()
    expect(text).not.toContain('@newsroom.example')
    expect(text).not.toContain(mod.email)
  })
})
