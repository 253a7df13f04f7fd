import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { renderComment } from '../../src/comments/markdown.js'
import { jsonb } from '../../src/db/index.js'
import { newId } from '../../src/lib/ids.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'

/** What a post or edit costs and how its text is judged (issue 10, items 16 and 17). */

let t: TestContext
let rendered: string[] = []
beforeAll(async () => {
  t = await createTestContext({
    deps: {
      renderComment: (source) => {
        rendered.push(source)
        return renderComment(source)
      },
    },
  })
})
afterAll(() => t.close())
beforeEach(async () => {
  rendered = []
  await setSettings({ moderationMode: 'trusted', disallowedKeys: [], moderationKeys: [], floodSeconds: 15 })
})

async function setSettings(settings: Record<string, unknown>) {
  const row = await t.deps.db.selectFrom('sites').select('settings').where('id', '=', 'news').executeTakeFirstOrThrow()
  await t.deps.db.updateTable('sites').set({ settings: jsonb({ ...row.settings, ...settings }) }).where('id', '=', 'news').execute()
}

async function post(body: Record<string, unknown>, ip?: string) {
  const res = await t.request('POST', '/api/comments', { json: body, ...(ip ? { ip } : {}) })
  return { status: res.status, body: (await res.json()) as any }
}

const stored = (id: string) => t.deps.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const big = (tag: string) => `${tag} ` + 'a.co '.repeat(13_000)

describe('cheap refusals come before rendering', () => {
  it('renders a posted body once', async () => {
    t.clock.advanceSeconds(60)
    const r = await post(newComment({ body: 'Rendered *once*.' }))
    expect(r.status).toBe(202)
    expect(rendered).toEqual(['Rendered *once*.'])
  })

  it('does not render a flood-refused post', async () => {
    t.clock.advanceSeconds(60)
    expect((await post(newComment({ uri: '/cost/flood' }), '192.0.2.50')).status).toBe(202)
    rendered = []
    const r = await post(newComment({ uri: '/cost/flood', body: big('flood') }), '192.0.2.50')
    expect(r.status).toBe(429)
    expect(rendered).toEqual([])
  })

  it('does not render a duplicate, a post to a closed thread, or a banned author’s post', async () => {
    t.clock.advanceSeconds(60)
    const first = newComment({ uri: '/cost/dup', body: 'Said once.' })
    expect((await post(first)).status).toBe(202)
    t.clock.advanceSeconds(60)
    rendered = []
    expect((await post(first)).status).toBe(409)

    await t.deps.db.updateTable('threads').set({ closed: true }).where('uri', '=', '/cost/dup').execute()
    t.clock.advanceSeconds(60)
    expect((await post(newComment({ uri: '/cost/dup', body: big('closed') }))).status).toBe(403)

    const email = 'banned.reader@example.org'
    await t.deps.db.insertInto('bans').values({ id: newId(), site_id: 'news', email_key: await t.deps.keys.emailKey(email), reason: 'test', created_at: t.clock.now() }).execute()
    expect((await post(newComment({ uri: '/cost/ban', email, body: big('banned') }))).status).toBe(403)
    expect(rendered).toEqual([])
  })

  it('does not render an edit refused on a closed thread', async () => {
    t.clock.advanceSeconds(60)
    await setSettings({ moderationMode: 'post' })
    const c = await post(newComment({ uri: '/cost/edit' }))
    await t.deps.db.updateTable('threads').set({ closed: true }).where('uri', '=', '/cost/edit').execute()
    rendered = []
    const res = await t.request('PATCH', `/api/comments/${c.body.comment.id}`, {
      json: { body: big('edit') },
      headers: { authorization: `Bearer ${c.body.editToken}` },
    })
    expect(res.status).toBe(403)
    expect(rendered).toEqual([])
  })

  it('holds a link-stuffed body past the rendering budget, shown as plain text', async () => {
    t.clock.advanceSeconds(60)
    await setSettings({ moderationMode: 'post' })
    const r = await post(newComment({ uri: '/cost/links', body: 'cheap.example '.repeat(500) }))
    expect(r.status).toBe(202)
    const row = await stored(r.body.comment.id)
    expect(row.reasons).toEqual([expect.objectContaining({ phase: 'links' })])
    expect(row.body_html).not.toContain('<a ')
  })
})

describe('disallowed and moderation keys see the body with its tags stripped', () => {
  it('bins `we are <b>half</b>way` for the key "halfway", and holds one split by tags for a moderation key', async () => {
    await setSettings({ moderationMode: 'post', disallowedKeys: ['halfway'], moderationKeys: ['cheap pills'] })
    t.clock.advanceSeconds(60)
    const spam = await post(newComment({ uri: '/keys', body: 'we are <b>half</b>way' }))
    expect(spam.status).toBe(202)
    expect((await stored(spam.body.comment.id)).status).toBe('spam')
    t.clock.advanceSeconds(60)
    const held = await post(newComment({ uri: '/keys', body: 'Buy <i>cheap</i> <span>pills</span>' }))
    expect(held.status).toBe(202)
    expect((await stored(held.body.comment.id)).reasons).toEqual([expect.objectContaining({ phase: 'moderation_key' })])
    t.clock.advanceSeconds(60)
    expect((await post(newComment({ uri: '/keys', body: 'we are half of the way' }))).status).toBe(201)
  })
})
