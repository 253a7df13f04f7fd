import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { getSite, setSiteSettings } from '../../src/sites/site.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
})
afterAll(() => t.close())

async function post(body: Record<string, unknown>) {
  t.clock.advanceSeconds(1)
  const res = await t.request('POST', '/api/comments', { json: body })
  return (await res.json()) as { comment: any; editToken: string }
}
const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.request('GET', path, { headers })
  return { res, body: (await res.json()) as any }
}
const bearer = (...tokens: string[]) => ({ authorization: `Bearer ${tokens.join(', ')}` })
const mode = async (moderationMode: 'pre' | 'post') => {
  const site = await getSite(t.deps.db, 'news')
  await setSiteSettings(t.deps.db, 'news', { ...site!.storedSettings, moderationMode })
}
const act = (id: string, action: 'approve' | 'reject' | 'spam') =>
  t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [id], action, actor: null }))

describe('the author’s own Markdown source (`body`)', () => {
  it('is in the answers to POST and PATCH, and on reads only for comments the Bearer tokens own', async () => {
    const uri = '/own-source'
    const mine = await post(newComment({ uri, body: 'My **bold** take, with [a link](https://example.org).' }))
    expect(mine.comment.body).toBe('My **bold** take, with [a link](https://example.org).')
    const theirs = await post(newComment({ uri, body: 'Someone *else*.' }))
    await mode('pre')
    const held = await post(newComment({ uri, body: 'Held _source_.' }))
    await mode('post')
    expect(held.comment.status).toBe('pending')
    expect(held.comment.body).toBe('Held _source_.')

    const anon = await get(`/api/comments?site=news&uri=${uri}`)
    expect(anon.body.comments.map((c: any) => 'body' in c)).toEqual([false, false])

    const own = await get(`/api/comments?site=news&uri=${uri}`, bearer(mine.editToken, held.editToken))
    const byId = new Map(own.body.comments.map((c: any) => [c.id, c]))
    expect((byId.get(mine.comment.id) as any).body).toBe('My **bold** take, with [a link](https://example.org).')
    expect((byId.get(held.comment.id) as any).body).toBe('Held _source_.')
    expect('body' in (byId.get(theirs.comment.id) as any)).toBe(false)

    const edited = await t.request('PATCH', `/api/comments/${mine.comment.id}`, { json: { body: 'Now *edited*.' }, headers: bearer(mine.editToken) })
    const e = (await edited.json()) as any
    expect(e.comment.body).toBe('Now *edited*.')
    // The old token no longer owns it; the new one does.
    const stale = await get(`/api/comments?site=news&uri=${uri}`, bearer(mine.editToken))
    expect(stale.body.comments.find((c: any) => c.id === mine.comment.id).body).toBeUndefined()
    const fresh = await get(`/api/comments?site=news&uri=${uri}`, bearer(e.editToken))
    expect(fresh.body.comments.find((c: any) => c.id === mine.comment.id).body).toBe('Now *edited*.')
  })
})

describe('GET /api/comments/:id/locate', () => {
  const uri = '/locate'
  const tops: { id: string; token: string }[] = []
  let reply: string
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      const r = await post(newComment({ uri, body: `top ${i}` }))
      tops.push({ id: r.comment.id, token: r.editToken })
    }
    reply = (await post(newComment({ uri, body: 'a reply to top 5', parentId: tops[5]!.id }))).comment.id
  })
  const locate = (id: string, q = '', headers: Record<string, string> = {}) =>
    get(`/api/comments/${id}/locate?site=news&uri=${uri}${q}`, headers)

  it('gives the page and the cursor that loads a comment, for top-level comments and replies', async () => {
    const first = await locate(tops[0]!.id, '&limit=3')
    expect(first.res.status).toBe(200)
    expect(first.body).toEqual({ id: tops[0]!.id, rootId: tops[0]!.id, status: 'approved', visible: true, index: 0, page: 0, cursor: null })

    const r = await locate(reply, '&limit=3')
    expect(r.body).toMatchObject({ id: reply, rootId: tops[5]!.id, status: 'approved', visible: true, index: 5, page: 1 })
    // The cursor loads exactly the page that holds it.
    const page = await get(`/api/comments?site=news&uri=${uri}&limit=3&cursor=${r.body.cursor}`)
    expect(page.body.comments.map((c: any) => c.id)).toEqual([tops[3]!.id, tops[4]!.id, tops[5]!.id, reply])

    // Default limit (50): everything is on page 0.
    expect((await locate(tops[6]!.id)).body).toMatchObject({ index: 6, page: 0, cursor: null })
    // Newest first counts from the other end.
    const n = await locate(tops[6]!.id, '&sort=newest&limit=3')
    expect(n.body).toMatchObject({ index: 0, page: 0, cursor: null })
    const n0 = await locate(tops[0]!.id, '&sort=newest&limit=3')
    expect(n0.body).toMatchObject({ index: 6, page: 2 })
    const last = await get(`/api/comments?site=news&uri=${uri}&sort=newest&limit=3&cursor=${n0.body.cursor}`)
    expect(last.body.comments.map((c: any) => c.id)).toEqual([tops[0]!.id])
  })

  it('says "pending" for a held or spam comment (not visible), "gone" for a rejected or deleted one, 404 for unknown or elsewhere', async () => {
    const held = await post(newComment({ uri, body: 'will be held' }))
    await act(held.comment.id, 'reject')
    await act(held.comment.id, 'approve')
    const spam = await post(newComment({ uri, body: 'will be spam' }))
    await act(spam.comment.id, 'spam')
    const rejected = await post(newComment({ uri, body: 'will be rejected' }))
    await act(rejected.comment.id, 'reject')
    const deleted = await post(newComment({ uri, body: 'will be deleted' }))
    await t.request('DELETE', `/api/comments/${deleted.comment.id}`, { headers: bearer(deleted.editToken) })
    const pending = await post(newComment({ uri, body: 'pending by hand' }))
    await t.deps.db.updateTable('comments').set({ status: 'pending' }).where('id', '=', pending.comment.id).execute()

    const notVisible = { visible: false, rootId: null, index: null, page: null, cursor: null }
    expect((await locate(spam.comment.id)).body).toEqual({ id: spam.comment.id, status: 'pending', ...notVisible })
    expect((await locate(pending.comment.id)).body).toEqual({ id: pending.comment.id, status: 'pending', ...notVisible })
    expect((await locate(rejected.comment.id)).body).toEqual({ id: rejected.comment.id, status: 'gone', ...notVisible })
    expect((await locate(deleted.comment.id)).body).toEqual({ id: deleted.comment.id, status: 'gone', ...notVisible })
    // Its author sees their own held comment where the thread shows it to them.
    const own = await locate(pending.comment.id, '', bearer(pending.editToken))
    expect(own.body).toMatchObject({ status: 'pending', visible: true, index: 8, page: 0 })
    // A reply under a comment that was taken down is not shown either.
    const child = await post(newComment({ uri, body: 'child', parentId: tops[1]!.id }))
    await act(tops[1]!.id, 'reject')
    expect((await locate(child.comment.id)).body).toMatchObject({ status: 'gone', visible: false })
    await act(tops[1]!.id, 'approve')
    // A deleted comment whose reply is still up stays as a tombstone, and can be found.
    const parent = await post(newComment({ uri, body: 'to be a tombstone' }))
    await post(newComment({ uri, body: 'keeps it', parentId: parent.comment.id }))
    await t.request('DELETE', `/api/comments/${parent.comment.id}`, { headers: bearer(parent.editToken) })
    expect((await locate(parent.comment.id)).body).toMatchObject({ status: 'deleted', visible: true })

    for (const path of [
      `/api/comments/nosuchcomment1/locate?site=news&uri=${uri}`,
      `/api/comments/${tops[0]!.id}/locate?site=news&uri=/another-page`,
    ]) {
      const r = await get(path)
      expect(r.res.status, path).toBe(404)
      expect(r.body.error.code).toBe('not_found')
    }
    for (const q of ['site=news', `site=news&uri=${uri}&limit=0`, `site=news&uri=${uri}&sort=random`, `uri=${uri}`]) {
      const r = await get(`/api/comments/${tops[0]!.id}/locate?${q}`)
      expect(r.res.status, q).toBe(400)
      expect(r.body.error.code).toBe('validation_failed')
    }
    expect((await get(`/api/comments/BAD!/locate?site=news&uri=${uri}`)).res.status).toBe(400)
    expect((await get(`/api/comments/${tops[0]!.id}/locate?site=nosite&uri=${uri}`)).res.status).toBe(404)
  })

  it('finds comments of a WordPress plain-permalink thread (/?p=4) by the same key the thread uses', async () => {
    const a = await post(newComment({ uri: '/?p=4&utm_source=x', body: 'on post 4' }))
    await post(newComment({ uri: '/?p=5', body: 'on post 5' }))
    const r = await get(`/api/comments/${a.comment.id}/locate?site=news&uri=${encodeURIComponent('/?utm_medium=y&p=4')}`)
    expect(r.body).toMatchObject({ status: 'approved', visible: true, index: 0 })
    const other = await get(`/api/comments/${a.comment.id}/locate?site=news&uri=${encodeURIComponent('/?p=5')}`)
    expect(other.res.status).toBe(404)
  })

  it('answers CORS for the site’s origins only', async () => {
    const ok = await locate(tops[0]!.id, '', { origin: NEWS_ORIGIN })
    expect(ok.res.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
    const other = await t.request('GET', `/api/comments/${tops[0]!.id}/locate?site=news&uri=${uri}`, { headers: { origin: 'https://evil.example' } })
    expect(other.status).toBe(403)
  })
})
