import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { renderComment } from '../../src/comments/markdown.js'
import { jsonb } from '../../src/db/index.js'
import { newId } from '../../src/lib/ids.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'

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

describe('author websites', () => {
  it('refuses control characters and spaces inside (400 on url) and stores nothing', async () => {
    const before = (await t.deps.db.selectFrom('comments').select('id').execute()).length
    for (const url of ['http://x.com/\r\nBcc: victim@example.org', 'http://x.com/%0a ok', 'http://x.com\t/', 'http://x.com/\u0000', 'http://x.com/\u2028x']) {
      t.clock.advanceSeconds(60)
      const r = await post(newComment({ uri: '/urls', url }))
      expect(r.status, JSON.stringify(url)).toBe(400)
      expect(r.body.error).toMatchObject({ code: 'validation_failed', fields: [{ path: 'url' }] })
    }
    expect((await t.deps.db.selectFrom('comments').select('id').execute()).length).toBe(before)
  })

  it('stores the address as the URL parser writes it', async () => {
    await setSettings({ moderationMode: 'post', floodSeconds: 0 })
    const cases: [string, string][] = [
      ['HTTP://Example.ORG', 'http://example.org'],
      ['example.org/a%20b?q=1', 'http://example.org/a%20b?q=1'],
      ['https://münchen.example/ä', 'https://xn--mnchen-3ya.example/%C3%A4'],
      ['  https://ok.example/  ', 'https://ok.example/'],
    ]
    for (const [url, want] of cases) {
      const r = await post(newComment({ uri: '/urls', url }))
      expect(r.status).toBe(201)
      expect(r.body.comment.author.url).toBe(want)
      expect((await stored(r.body.comment.id)).author_url).toBe(want)
    }
  })
})

describe('thread titles from reads', () => {
  const threadRow = (uri: string) => t.deps.db.selectFrom('threads').selectAll().where('site_id', '=', 'news').where('uri', '=', uri).executeTakeFirst()
  const read = (uri: string, title: string, origin?: string) =>
    t.request('GET', `/api/comments?site=news&uri=${uri}&title=${encodeURIComponent(title)}`, { headers: origin ? { origin } : {} })

  it('creates nothing for a read from an origin the site does not list (403)', async () => {
    const res = await read('/titles/refused', 'Squatted title', 'https://evil.example')
    expect(res.status).toBe(403)
    expect(await threadRow('/titles/refused')).toBeUndefined()
  })

  it("lets the publisher's page replace a title squatted by a bare read, and restarts the thread's clock", async () => {
    t.clock.advanceSeconds(60)
    expect((await read('/titles/squat', 'Buy cheap pills')).status).toBe(200)
    const squatted = (await threadRow('/titles/squat'))!
    expect(squatted).toMatchObject({ title: 'Buy cheap pills', title_source: 'read' })
    t.clock.advanceSeconds(3600)
    const res = await read('/titles/squat', 'The real headline', NEWS_ORIGIN)
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).thread.title).toBe('The real headline')
    const real = (await threadRow('/titles/squat'))!
    expect(real).toMatchObject({ title: 'The real headline', title_source: 'page' })
    expect(new Date(real.created_at).getTime()).toBe(t.clock.now().getTime())
    // Neither another bare read nor another page read changes it again.
    await read('/titles/squat', 'Squatted again')
    await read('/titles/squat', 'Another page title', NEWS_ORIGIN)
    expect((await threadRow('/titles/squat'))!.title).toBe('The real headline')
  })

  it("lets the first comment's title replace a squatted one; a moderator's title stays", async () => {
    await read('/titles/first', 'Squatted')
    t.clock.advanceSeconds(60)
    expect((await post(newComment({ uri: '/titles/first', title: 'From the first comment' }))).status).toBe(202)
    expect(await threadRow('/titles/first')).toMatchObject({ title: 'From the first comment', title_source: 'comment' })
    await t.deps.db.updateTable('threads').set({ title: 'Set by a moderator', title_source: 'moderator' }).where('uri', '=', '/titles/first').execute()
    t.clock.advanceSeconds(60)
    await post(newComment({ uri: '/titles/first', title: 'Another title' }))
    await read('/titles/first', 'A page title', NEWS_ORIGIN)
    expect((await threadRow('/titles/first'))!.title).toBe('Set by a moderator')
  })
})
