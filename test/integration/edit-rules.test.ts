import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { jsonb } from '../../src/db/index.js'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import type { ModerationAction } from '../../src/moderation/transitions.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'

/**
 * An edit with the edit token runs the rules a new comment by that author would meet, and can
 * never undo a moderator's decision (issue 10, item 4).
 */

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderatorEmails: ['desk@news.example'] } })
})
afterAll(() => t.close())
beforeEach(() => setSettings({ moderationMode: 'trusted', disallowedKeys: [], moderationKeys: [] }))

async function setSettings(settings: Record<string, unknown>) {
  const row = await t.deps.db.selectFrom('sites').select('settings').where('id', '=', 'news').executeTakeFirstOrThrow()
  await t.deps.db.updateTable('sites').set({ settings: jsonb({ ...row.settings, ...settings }) }).where('id', '=', 'news').execute()
}

let page = 0
/** A comment on its own page, by a fresh author, with the status a moderator gave it. */
async function commentWith(status: 'pending' | ModerationAction, over: Record<string, unknown> = {}) {
  t.clock.advanceSeconds(30)
  const uri = over.uri ?? `/edits/${++page}`
  const res = await t.request('POST', '/api/comments', { json: newComment({ uri, ...over }) })
  expect(res.status).toBe(202)
  const body = (await res.json()) as any
  if (status !== 'pending') await act(body.comment.id, status)
  return { id: body.comment.id as string, token: body.editToken as string, uri: uri as string }
}

async function act(id: string, action: ModerationAction) {
  await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [id], action, actor: null }))
}

async function edit(c: { id: string; token: string }, body: string) {
  const res = await t.request('PATCH', `/api/comments/${c.id}`, { json: { body }, headers: { authorization: `Bearer ${c.token}` } })
  const json = (await res.json()) as any
  if (res.status === 200) c.token = json.editToken
  return { status: res.status, body: json }
}

const stored = (id: string) => t.deps.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const thread = async (uri: string) => {
  const res = await t.request('GET', `/api/comments?site=news&uri=${uri}`)
  return (await res.json()) as any
}
const moderationMails = async () =>
  (await t.deps.db.selectFrom('email_outbox').select('subject').where('kind', '=', 'moderation_needed').execute()).length

describe('an edit never undoes a decision', () => {
  for (const action of ['reject', 'spam', 'delete'] as const) {
    it(`refuses to edit a comment a moderator marked ${action} (409 not_editable) and changes nothing`, async () => {
      const c = await commentWith(action, { body: 'The original words.' })
      const before = await stored(c.id)
      const res = await edit(c, 'Harmless new words.')
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('not_editable')
      const after = await stored(c.id)
      expect(after.status).toBe(before.status)
      expect(after.body_md).toBe('The original words.')
      expect(after.edited_at).toBeNull()
      expect((await thread(c.uri)).comments).toEqual([])
    })
  }

  it('keeps a comment its author deleted gone (404), its token spent', async () => {
    const c = await commentWith('approve')
    const del = await t.request('DELETE', `/api/comments/${c.id}`, { headers: { authorization: `Bearer ${c.token}` } })
    expect(del.status).toBe(204)
    expect((await edit(c, 'Back from the dead.')).status).toBe(404)
    expect((await stored(c.id)).status).toBe('deleted')
  })

  it('keeps a pending comment pending even when the edit would pass every rule', async () => {
    await setSettings({ moderationMode: 'post' })
    const c = await commentWith('pending', { body: 'Links https://a.example and https://b.example' })
    expect((await stored(c.id)).status).toBe('pending')
    const res = await edit(c, 'No links now.')
    expect(res.status).toBe(200)
    expect(res.body.comment.status).toBe('pending')
    const row = await stored(c.id)
    expect(row.status).toBe('pending')
    expect(row.reasons).toEqual([expect.objectContaining({ phase: 'links' })])
  })

  it('bins a pending comment whose edit carries a disallowed word', async () => {
    await setSettings({ disallowedKeys: ['casino'] })
    const c = await commentWith('pending')
    const res = await edit(c, 'Visit my casino.')
    expect(res.status).toBe(200)
    expect(res.body.comment.status).toBe('pending') // spam looks held to its author
    expect((await stored(c.id)).status).toBe('spam')
  })
})

describe('an edit of a published comment meets the rules of a new comment', () => {
  it('stays published for a trusted author with clean words', async () => {
    const c = await commentWith('approve')
    const res = await edit(c, 'A small correction.')
    expect(res.status).toBe(200)
    expect(res.body.comment).toMatchObject({ status: 'approved', html: '<p>A small correction.</p>' })
    expect((await thread(c.uri)).comments.map((x: any) => x.html)).toEqual(['<p>A small correction.</p>'])
  })

  it('marks it spam on a disallowed word, and the thread drops it at once', async () => {
    await setSettings({ disallowedKeys: ['casino'] })
    const c = await commentWith('approve')
    const before = await thread(c.uri) // cached now
    expect(before.thread.commentCount).toBe(1)
    const res = await edit(c, 'Try the CASINO.')
    expect(res.status).toBe(200)
    expect((await stored(c.id)).status).toBe('spam')
    const after = await thread(c.uri)
    expect(after.comments).toEqual([])
    expect(after.thread.commentCount).toBe(0)
    const counts = (await (await t.request('GET', `/api/counts?site=news&uri=${c.uri}`)).json()) as any
    expect(counts.counts[0].count).toBe(0)
  })

  it('holds it again in pre mode, with the moderation email a new held comment gets', async () => {
    const c = await commentWith('approve', { body: 'Before the edit.' })
    await setSettings({ moderationMode: 'pre' })
    expect((await thread(c.uri)).thread.commentCount).toBe(1)
    const count = await moderationMails()
    const res = await edit(c, 'After the edit.')
    expect(res.status).toBe(200)
    expect(res.body.comment.status).toBe('pending')
    expect((await stored(c.id)).reasons).toEqual([expect.objectContaining({ phase: 'pre_moderation' })])
    const after = await thread(c.uri)
    expect(after.comments).toEqual([])
    expect(after.thread.commentCount).toBe(0)
    expect(await moderationMails()).toBe(count + 1)
    const mails = await t.deps.db.selectFrom('email_outbox').selectAll().where('kind', '=', 'moderation_needed').execute()
    const mine = mails.filter((m) => m.text_body.includes('After the edit.'))
    expect(mine.map((m) => m.to_address)).toEqual(['desk@news.example'])
  })

  it('holds it when the edit adds links up to maxLinks, or a moderation word', async () => {
    const a = await commentWith('approve')
    expect((await edit(a, 'See https://a.example and https://b.example')).body.comment.status).toBe('pending')
    expect((await stored(a.id)).reasons).toEqual([expect.objectContaining({ phase: 'links' })])
    await setSettings({ moderationKeys: ['refund'] })
    const b = await commentWith('approve')
    expect((await edit(b, 'I want a Refund.')).body.comment.status).toBe('pending')
    expect((await stored(b.id)).reasons).toEqual([expect.objectContaining({ phase: 'moderation_key' })])
  })

  it('audits the edit with the status it led to', async () => {
    const c = await commentWith('approve')
    await setSettings({ moderationMode: 'pre' })
    await edit(c, 'Changed.')
    const audit = await t.deps.db.selectFrom('moderation_actions').selectAll().where('comment_id', '=', c.id).where('action', '=', 'edit').execute()
    expect(audit).toEqual([expect.objectContaining({ from_status: 'approved', to_status: 'pending', actor_id: null })])
  })
})
