import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CommentStatus } from '../../db/schema.js'
import { TRANSITIONS, MODERATION_ACTIONS } from '../../src/moderation/transitions.js'
import { refreshThread } from '../../src/threads/thread.repository.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
beforeAll(async () => {
  t = await createTestContext()
  admin = await signIn(t)
})
afterAll(() => t.close())

async function post(over: Record<string, unknown> = {}) {
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: newComment(over) })
  expect([201, 202]).toContain(res.status)
  return (await res.json()).comment.id as string
}
async function commentIn(status: CommentStatus, over: Record<string, unknown> = {}) {
  const id = await post(over)
  if (status !== 'pending') {
    const row = await t.deps.db.updateTable('comments').set({ status }).where('id', '=', id).returning('thread_id').executeTakeFirstOrThrow()
    await refreshThread(t.deps.db, row.thread_id, t.clock.now())
  }
  return id
}
const statusOf = async (id: string) =>
  (await t.deps.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const auditOf = (id: string) =>
  t.deps.db.selectFrom('moderation_actions').selectAll().where('comment_id', '=', id).orderBy('id').execute()
const act = (id: string, action: string, reason?: string) =>
  admin.request('POST', `/api/mod/comments/${id}/actions`, { json: { action, ...(reason ? { reason } : {}) } })
const publicThread = async (uri: string) => (await t.request('GET', `/api/comments?site=news&uri=${uri}`)).json()
const count = async (uri: string) =>
  (await (await t.request('GET', `/api/counts?site=news&uri=${uri}`)).json()).counts[0].count as number

const STATUSES: CommentStatus[] = ['pending', 'approved', 'rejected', 'spam', 'deleted']

describe('single actions follow the one transition table', () => {
  const cases = MODERATION_ACTIONS.flatMap((action) => STATUSES.map((from) => [action, from, TRANSITIONS[action][from] ?? null] as const))
  it.each(cases)('%s from %s → %s', async (action, from, to) => {
    const id = await commentIn(from)
    const before = (await auditOf(id)).length
    const res = await act(id, action, 'because')
    if (to === null) {
      expect(res.status).toBe(409)
      const body = await res.json()
      expect(body.error.code).toBe('invalid_transition')
      expect(body.error.ids).toEqual([id])
      expect(await statusOf(id)).toBe(from)
      expect((await auditOf(id)).length).toBe(before)
    } else {
      expect(res.status).toBe(200)
      const { comment } = await res.json()
      expect(comment).toMatchObject({ id, status: to })
      expect(await statusOf(id)).toBe(to)
      const audit = (await auditOf(id)).at(-1)!
      expect(audit).toMatchObject({ action, from_status: from, to_status: to, actor_id: admin.id, actor_email: admin.email, reason: 'because' })
    }
  })

  it('refuses an unknown action (400) and an unknown comment (404)', async () => {
    const id = await commentIn('pending')
    const bad = await act(id, 'publish')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.fields[0].path).toBe('action')
    const missing = await act('doesnotexist', 'approve')
    expect(missing.status).toBe(404)
    expect((await missing.json()).error.ids).toEqual(['doesnotexist'])
  })
})

describe('approval', () => {
  it('makes the comment visible at once in the public thread and its count', async () => {
    const uri = '/approval/visible'
    const id = await post({ uri })
    expect((await publicThread(uri)).comments).toEqual([])
    expect(await count(uri)).toBe(0)
    expect((await act(id, 'approve')).status).toBe(200)
    const thread = await publicThread(uri)
    expect(thread.comments.map((c: { id: string }) => c.id)).toEqual([id])
    expect(thread.thread.commentCount).toBe(1)
    expect(await count(uri)).toBe(1)
    expect((await act(id, 'reject')).status).toBe(200)
    expect(await count(uri)).toBe(0)
    expect((await publicThread(uri)).comments).toEqual([])
  })

  it('is seen by the later "previously approved" check: the author’s next comment publishes at once', async () => {
    const who = { name: 'Trusted Later', email: 'trusted.later@example.org' }
    const first = await post(who)
    expect(await statusOf(first)).toBe('pending')
    expect((await act(first, 'approve')).status).toBe(200)
    t.clock.advanceSeconds(20)
    const res = await t.request('POST', '/api/comments', { json: newComment(who) })
    expect(res.status).toBe(201)
  })
})

describe('reports', () => {
  it('reviewing a reported comment clears it from the reported queue and resolves its reports', async () => {
    for (const action of ['approve', 'reject']) {
      const id = await commentIn('approved')
      expect((await t.request('POST', `/api/comments/${id}/report`, { json: { reason: 'spam' } })).status).toBe(202)
      const inReported = async () =>
        (await (await admin.request('GET', '/api/mod/queue?site=news&queue=reported&limit=100')).json()).items.some((i: { id: string }) => i.id === id)
      expect(await inReported()).toBe(true)
      expect((await act(id, action)).status).toBe(200)
      expect(await inReported()).toBe(false)
      const reports = await t.deps.db.selectFrom('reports').select('resolved_at').where('comment_id', '=', id).execute()
      expect(reports.every((r) => r.resolved_at !== null)).toBe(true)
      expect(await statusOf(id)).toBe(action === 'approve' ? 'approved' : 'rejected')
    }
  })
})

describe('bulk actions', () => {
  it('applies one action to many comments and answers them in request order', async () => {
    const ids = [await commentIn('pending'), await commentIn('spam'), await commentIn('rejected')]
    const res = await admin.request('POST', '/api/mod/actions', { json: { ids, action: 'approve', reason: 'bulk' } })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual(ids.map((id) => [id, 'approved']))
    for (const id of ids) expect((await auditOf(id)).at(-1)).toMatchObject({ action: 'approve', to_status: 'approved', reason: 'bulk' })
  })

  it('is all or nothing: a missing id is a 404 naming it, and nothing is applied', async () => {
    const ids = [await commentIn('pending'), await commentIn('pending')]
    const res = await admin.request('POST', '/api/mod/actions', { json: { ids: [...ids, 'ghostcomment'], action: 'approve' } })
    expect(res.status).toBe(404)
    const body = await res.json()
    expect(body.error.code).toBe('not_found')
    expect(body.error.ids).toEqual(['ghostcomment'])
    expect(body.error.message).toContain('ghostcomment')
    for (const id of ids) {
      expect(await statusOf(id)).toBe('pending')
      expect((await auditOf(id)).map((a) => a.action)).toEqual(['pipeline'])
    }
  })

  it('is all or nothing: a forbidden transition is a 409 listing those ids, and nothing is applied', async () => {
    const ok = [await commentIn('pending'), await commentIn('rejected')]
    const bad = [await commentIn('approved'), await commentIn('deleted')]
    const res = await admin.request('POST', '/api/mod/actions', { json: { ids: [ok[0], bad[0], ok[1], bad[1]], action: 'approve' } })
    expect(res.status).toBe(409)
    const body = await res.json()
    expect(body.error.code).toBe('invalid_transition')
    expect(body.error.ids.sort()).toEqual([...bad].sort())
    expect(await statusOf(ok[0]!)).toBe('pending')
    expect(await statusOf(ok[1]!)).toBe('rejected')
  })

  it('validates the body: ids required, at most 200', async () => {
    const none = await admin.request('POST', '/api/mod/actions', { json: { ids: [], action: 'approve' } })
    expect(none.status).toBe(400)
    const many = await admin.request('POST', '/api/mod/actions', { json: { ids: Array.from({ length: 201 }, (_, i) => `c${i}`), action: 'spam' } })
    expect(many.status).toBe(400)
    expect((await many.json()).error.fields[0].path).toBe('ids')
  })
})

describe('audit log', () => {
  it('lists system decisions (actor null) and moderator actions, filtered by comment, actor and site', async () => {
    const id = await post({ uri: '/audit/one' })
    await act(id, 'approve', 'Looks fine')
    const res = await admin.request('GET', `/api/mod/audit?site=news&commentId=${id}`)
    expect(res.status).toBe(200)
    const { items, nextCursor } = await res.json()
    expect(nextCursor).toBeNull()
    expect(items).toEqual([
      {
        id: expect.any(String),
        at: t.clock.now().toISOString(),
        site: 'news',
        actor: { id: admin.id, email: admin.email },
        action: 'approve',
        commentId: id,
        from: 'pending',
        to: 'approved',
        reason: 'Looks fine',
        details: null,
      },
      expect.objectContaining({ actor: null, action: 'pipeline', commentId: id, from: null, to: 'pending' }),
    ])
    const system = await (await admin.request('GET', '/api/mod/audit?actor=system&limit=200')).json()
    expect(system.items.length).toBeGreaterThan(0)
    expect(system.items.every((i: { actor: unknown }) => i.actor === null)).toBe(true)
    const mine = await (await admin.request(`GET`, `/api/mod/audit?actor=${encodeURIComponent(admin.email)}&limit=200`)).json()
    expect(mine.items.length).toBeGreaterThan(0)
    expect(mine.items.every((i: { actor: { id: string } }) => i.actor?.id === admin.id)).toBe(true)
  })

  it('pages newest first with a cursor', async () => {
    const all: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await (
        await admin.request('GET', `/api/mod/audit?site=news&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()
      all.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    const total = await t.deps.db.selectFrom('moderation_actions').select((eb) => eb.fn.countAll<string>().as('n')).where('site_id', '=', 'news').executeTakeFirstOrThrow()
    expect(all.length).toBe(Number(total.n))
    expect(all.map(Number)).toEqual([...all.map(Number)].sort((a, b) => b - a))
  })

  it('keeps a moderator to their own sites', async () => {
    const mod = await signIn(t, { role: 'moderator', sites: ['news'] })
    expect((await mod.request('GET', '/api/mod/audit?site=elsewhere')).status).toBe(403)
    const page = await (await mod.request('GET', '/api/mod/audit?limit=200')).json()
    expect(page.items.every((i: { site: string }) => i.site === 'news')).toBe(true)
  })
})
