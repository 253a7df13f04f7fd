import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite, getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { signIn } from '../helpers/mod.js'

// Badges and desk replies (issue 15 item 4): "Reply as staff" from the desk, author.badge.

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  await addSite(t.deps.db, { id: 'other', name: 'Other', origins: ['https://other.example'] }, t.clock.now())
})
afterAll(() => t.close())

let n = 0
async function published(over: Record<string, unknown> = {}) {
  t.clock.advanceSeconds(1)
  const res = await t.request('POST', '/api/comments', { json: newComment({ uri: `/badges/${++n}`, ...over }) })
  expect(res.status).toBe(201)
  return (await res.json()) as { comment: any; editToken: string }
}
const read = async (uri: string) => ((await (await t.request('GET', `/api/comments?site=news&uri=${encodeURIComponent(uri)}`)).json()) as any).comments

describe('POST /api/mod/comments/:id/reply (Reply as staff)', () => {
  it('publishes the moderator’s reply under their desk name with the Staff badge; the public sees the badge, never the address', async () => {
    const admin = await signIn(t, { email: 'desk.editor@newsroom.example' })
    await t.deps.db.updateTable('users').set({ name: 'Maria Desk' }).where('id', '=', admin.id).execute()
    const parent = await published()
    const uri = `/badges/${n}`
    const res = await admin.request('POST', `/api/mod/comments/${parent.comment.id}/reply`, { json: { body: 'Thanks, we *corrected* the article.' } })
    expect(res.status).toBe(201)
    const { comment } = (await res.json()) as any
    expect(comment).toMatchObject({ parentId: parent.comment.id, status: 'approved', depth: 1, email: 'desk.editor@newsroom.example', author: { name: 'Maria Desk', badge: 'staff' } })
    const list = await read(uri)
    expect(list.map((c: any) => [c.id, c.author.badge])).toEqual([
      [parent.comment.id, null],
      [comment.id, 'staff'],
    ])
    expect(list[1].html).toBe('<p>Thanks, we <em>corrected</em> the article.</p>')
    const text = JSON.stringify(list)
    expect(text).not.toContain('desk.editor')
    // The audit log names the pipeline's decision like any comment's.
    const audit = await t.deps.db.selectFrom('moderation_actions').select(['action', 'to_status']).where('comment_id', '=', comment.id).execute()
    expect(audit).toEqual([{ action: 'pipeline', to_status: 'approved' }])
  })

  it('gives the Author badge when the moderator is the thread’s registered article author', async () => {
    const admin = await signIn(t, { email: 'Ashley.Davis@newsroom.example' })
    const added = await admin.request('POST', '/api/mod/sites/news/authors', { json: { handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley.davis@newsroom.example', notify: false } })
    expect(added.status).toBe(201)
    // The embed names the article's author; the first comment sets the thread's authors.
    const parent = await published({ author: 'ashley-davis' })
    const uri = `/badges/${n}`
    const res = await admin.request('POST', `/api/mod/comments/${parent.comment.id}/reply`, { json: { body: 'Author here.' } })
    expect(res.status).toBe(201)
    expect(((await res.json()) as any).comment.author.badge).toBe('author')
    // On a thread of another author, the same person is staff.
    const elsewhere = await published()
    const other = await admin.request('POST', `/api/mod/comments/${elsewhere.comment.id}/reply`, { json: { body: 'Staff here.' } })
    expect(((await other.json()) as any).comment.author.badge).toBe('staff')
    expect((await read(uri)).map((c: any) => c.author.badge)).toEqual([null, 'author'])
  })

  it('never gives a badge to a comment that only types the author’s or a moderator’s address', async () => {
    const parent = await published()
    const uri = `/badges/${n}`
    const spoof = await published({ parentId: parent.comment.id, uri, email: 'ashley.davis@newsroom.example', name: 'Ashley Davis' })
    expect(spoof.comment.author.badge).toBeNull()
    expect((await read(uri)).map((c: any) => c.author.badge)).toEqual([null, null])
  })

  it('refuses what it must: no session 401, another site’s moderator 403, unknown 404, a held comment or an empty body 400, another origin 403', async () => {
    const target = await published()
    expect((await t.request('POST', `/api/mod/comments/${target.comment.id}/reply`, { json: { body: 'x' } })).status).toBe(401)
    const otherMod = await signIn(t, { role: 'moderator', sites: ['other'] })
    expect((await otherMod.request('POST', `/api/mod/comments/${target.comment.id}/reply`, { json: { body: 'x' } })).status).toBe(403)
    const admin = await signIn(t)
    expect((await admin.request('POST', '/api/mod/comments/nosuch/reply', { json: { body: 'x' } })).status).toBe(404)
    const empty = await admin.request('POST', `/api/mod/comments/${target.comment.id}/reply`, { json: { body: '   ' } })
    expect(empty.status).toBe(400)
    expect((await empty.json()).error.fields[0].path).toBe('body')
    const site = await getSite(t.deps.db, 'news')
    await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, moderationMode: 'pre' })
    t.clock.advanceSeconds(1)
    const held = (await (await t.request('POST', '/api/comments', { json: newComment({ uri: '/badges/held' }) })).json()) as any
    await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, moderationMode: 'post' })
    const toHeld = await admin.request('POST', `/api/mod/comments/${held.comment.id}/reply`, { json: { body: 'x' } })
    expect(toHeld.status).toBe(400)
    expect((await toHeld.json()).error.fields[0].path).toBe('parentId')
    expect((await admin.request('POST', `/api/mod/comments/${target.comment.id}/reply`, { json: { body: 'x' }, headers: { origin: 'https://news.example' } })).status).toBe(403)
    const replies = await t.deps.db.selectFrom('comments').select('id').where('parent_id', 'in', [target.comment.id, held.comment.id]).execute()
    expect(replies).toEqual([])
  })
})

describe('the desk', () => {
  const form = (cookie: string, body: Record<string, string>) => ({
    body: new URLSearchParams(body).toString(),
    headers: { cookie, origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
  })

  it('offers “Reply as staff” on a published comment’s card and page, and the form publishes the reply', async () => {
    const admin = await signIn(t)
    const parent = await published()
    const queue = await (await admin.request('GET', `/mod/queue?site=news&queue=approved`)).text()
    expect(queue).toContain(`href="/mod/comments/${parent.comment.id}#reply"`)
    const page = await (await admin.request('GET', `/mod/comments/${parent.comment.id}`)).text()
    expect(page).toContain(`action="/mod/comments/${parent.comment.id}/reply"`)
    const res = await t.request('POST', `/mod/comments/${parent.comment.id}/reply`, form(admin.cookie, { body: 'From the desk.' }))
    expect(res.status).toBe(303)
    const reply = await t.deps.db.selectFrom('comments').select(['id', 'badge', 'status']).where('parent_id', '=', parent.comment.id).executeTakeFirstOrThrow()
    expect(reply).toMatchObject({ badge: 'staff', status: 'approved' })
    expect(res.headers.get('location')).toBe(`/mod/comments/${reply.id}`)
    const shown = await (await admin.request('GET', `/mod/comments/${reply.id}`)).text()
    expect(shown).toContain('class="pill staff"')
    // An empty reply goes back to the form with a message, and writes nothing.
    const empty = await t.request('POST', `/mod/comments/${parent.comment.id}/reply`, form(admin.cookie, { body: ' ' }))
    expect(empty.status).toBe(303)
    expect(empty.headers.get('location')).toBe(`/mod/comments/${parent.comment.id}#reply`)
    expect((await t.deps.db.selectFrom('comments').select('id').where('parent_id', '=', parent.comment.id).execute()).length).toBe(1)
  })
})
