import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonb } from '../../src/db/index.js'
import { applyModerationAction } from '../../src/moderation/actions.service.js'
import { createTestContext, newComment, NEWS_ORIGIN, type TestContext } from '../helpers/app.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

async function setSettings(settings: Record<string, unknown>) {
  const row = await t.deps.db.selectFrom('sites').select('settings').where('id', '=', 'news').executeTakeFirstOrThrow()
  await t.deps.db.updateTable('sites').set({ settings: jsonb({ ...row.settings, ...settings }) }).where('id', '=', 'news').execute()
}

async function post(body: Record<string, unknown>, opts: { ip?: string; headers?: Record<string, string> } = {}) {
  const res = await t.request('POST', '/api/comments', { json: body, ...opts })
  return { res, body: (await res.json()) as any }
}

async function approve(id: string) {
  await t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids: [id], action: 'approve', actor: null }))
}

async function stored(id: string) {
  return t.deps.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

describe('POST /api/comments', () => {
  it('holds a first comment in the default trusted mode (202, pending) and publishes the same author later', async () => {
    const first = await post(newComment({ name: 'Trusty', email: 'trusty@example.org' }))
    expect(first.res.status).toBe(202)
    expect(first.body.comment.status).toBe('pending')
    expect(first.body.editToken).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    await approve(first.body.comment.id)
    t.clock.advanceSeconds(20)
    const second = await post(newComment({ name: 'Trusty', email: 'TRUSTY@example.org' }))
    expect(second.res.status).toBe(201)
    expect(second.body.comment.status).toBe('approved')
    // Same email, other name: not the same author.
    t.clock.advanceSeconds(20)
    const other = await post(newComment({ name: 'Not Trusty', email: 'trusty@example.org' }))
    expect(other.res.status).toBe(202)
  })

  it('publishes at once in post mode (201) with an edit window of 15 minutes', async () => {
    await setSettings({ moderationMode: 'post' })
    const { res, body } = await post(newComment())
    expect(res.status).toBe(201)
    expect(body.comment).toMatchObject({ status: 'approved', depth: 0, parentId: null, replyCount: 0, editedAt: null })
    expect(new Date(body.editableUntil).getTime() - new Date(body.comment.createdAt).getTime()).toBe(900_000)
    await setSettings({ moderationMode: 'trusted' })
  })

  it('holds everything in pre mode', async () => {
    await setSettings({ moderationMode: 'pre' })
    const { res, body } = await post(newComment())
    expect(res.status).toBe(202)
    expect((await stored(body.comment.id)).reasons).toEqual([expect.objectContaining({ phase: 'pre_moderation' })])
    await setSettings({ moderationMode: 'trusted' })
  })

  it('answers spam 202 like a held comment and never shows it', async () => {
    const { res, body } = await post(newComment({ hp: 'i am a bot', uri: '/spam-page' }))
    expect(res.status).toBe(202)
    expect(body.comment.status).toBe('pending')
    expect((await stored(body.comment.id)).status).toBe('spam')
    const fast = await post(newComment({ elapsedMs: 300, uri: '/spam-page' }))
    expect((await stored(fast.body.comment.id)).status).toBe('spam')
    const list = await (await t.request('GET', '/api/comments?site=news&uri=/spam-page')).json()
    expect(list.comments).toEqual([])
  })

  it('holds a comment with two links (maxLinks 2) even from a trusted author', async () => {
    await setSettings({ moderationMode: 'post' })
    const { res, body } = await post(newComment({ body: 'Read https://a.example and www.example.com' }))
    expect(res.status).toBe(202)
    expect((await stored(body.comment.id)).reasons[0]!.phase).toBe('links')
    await setSettings({ moderationMode: 'trusted' })
  })

  it('holds moderation keys and marks disallowed keys as spam', async () => {
    await setSettings({ moderationMode: 'post', moderationKeys: ['drone'], disallowedKeys: ['viagra'] })
    const held = await post(newComment({ body: 'The DRONES are coming' }))
    expect(held.res.status).toBe(202)
    expect((await stored(held.body.comment.id)).status).toBe('pending')
    const spam = await post(newComment({ body: 'cheap Viagra' }))
    expect(spam.res.status).toBe(202)
    expect((await stored(spam.body.comment.id)).status).toBe('spam')
    await setSettings({ moderationMode: 'trusted', moderationKeys: [], disallowedKeys: [] })
  })

  it('writes a system audit row with the pipeline decision', async () => {
    const { body } = await post(newComment())
    const rows = await t.deps.db.selectFrom('moderation_actions').selectAll().where('comment_id', '=', body.comment.id).execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actor_id: null, action: 'pipeline', from_status: null, to_status: 'pending' })
    expect(rows[0]!.reason).toMatch(/no earlier approved comment/)
  })

  it('stores no raw IP, only its HMAC', async () => {
    const { body } = await post(newComment(), { ip: '192.0.2.77' })
    const row = await stored(body.comment.id)
    expect(row.ip_key).toMatch(/^[0-9a-f]{40}$/)
    expect(JSON.stringify(row)).not.toContain('192.0.2.77')
  })

  it('normalises the website and refuses javascript:', async () => {
    const ok = await post(newComment({ url: 'example.org' }))
    expect(ok.body.comment.author.url).toBe('http://example.org')
    const bad = await post(newComment({ url: 'javascript:alert(1)' }))
    expect(bad.res.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', fields: [{ path: 'url' }] })
  })

  it('requires name and email by default, with one field entry each', async () => {
    const { res, body } = await post({ site: 'news', uri: '/x', body: 'hi' })
    expect(res.status).toBe(400)
    expect(body.error.code).toBe('validation_failed')
    expect(body.error.fields.map((f: any) => f.path).sort()).toEqual(['email', 'name'])
  })

  it('names every bad field at once: an empty name beside a bad email', async () => {
    const { res, body } = await post(newComment({ name: '', email: 'not-an-email' }))
    expect(res.status).toBe(400)
    expect(body.error.fields.map((f: any) => f.path).sort()).toEqual(['email', 'name'])
    const both = await post({ site: 'news', uri: '/x', body: '', name: '   ' })
    expect(both.body.error.fields.map((f: any) => f.path).sort()).toEqual(['body', 'email', 'name'])
  })

  it('accepts anonymous comments when the site relaxes requireNameEmail', async () => {
    await setSettings({ requireNameEmail: false })
    const { res } = await post({ site: 'news', uri: '/anon', body: 'no name here' })
    expect(res.status).toBe(202)
    await setSettings({ requireNameEmail: true })
  })

  it("enforces WordPress's limits: body 65,525, name 245, email 100, url 200", async () => {
    const cases: [string, unknown][] = [
      ['body', 'x'.repeat(65_526)],
      ['name', 'n'.repeat(246)],
      ['email', `${'e'.repeat(95)}@x.org`],
      ['url', `http://example.org/${'p'.repeat(190)}`],
      ['body', '   '],
    ]
    for (const [field, value] of cases) {
      const { res, body } = await post(newComment({ [field]: value }))
      expect(res.status, field).toBe(400)
      expect(body.error.fields, field).toEqual([expect.objectContaining({ path: field })])
    }
    const max = await post(newComment({ body: 'é'.repeat(65_525), name: 'n'.repeat(245) }))
    expect(max.res.status).toBe(202)
  })

  it('ignores unknown fields and never stores them', async () => {
    const { res, body } = await post(newComment({ status: 'approved', isAdmin: true, email_key: 'x' }))
    expect(res.status).toBe(202)
    expect((await stored(body.comment.id)).status).toBe('pending')
  })

  it('answers 404 for an unknown site', async () => {
    const { res, body } = await post(newComment({ site: 'nope' }))
    expect(res.status).toBe(404)
    expect(body.error.code).toBe('not_found')
  })
})

describe('replies', () => {
  const uri = '/replies'
  let rootId: string
  beforeAll(async () => {
    await setSettings({ moderationMode: 'post' })
    rootId = (await post(newComment({ uri }))).body.comment.id
  })
  afterAll(() => setSettings({ moderationMode: 'trusted' }))

  it('refuses a reply to a comment that is not approved', async () => {
    await setSettings({ moderationMode: 'pre' })
    const pending = (await post(newComment({ uri }))).body.comment.id
    await setSettings({ moderationMode: 'post' })
    const { res, body } = await post(newComment({ uri, parentId: pending }))
    expect(res.status).toBe(400)
    expect(body.error.fields).toEqual([expect.objectContaining({ path: 'parentId' })])
  })

  it('refuses a reply to a comment of another thread, or to an unknown id', async () => {
    for (const parentId of [rootId, 'doesnotexist']) {
      const { res, body } = await post(newComment({ uri: '/elsewhere', parentId }))
      expect(res.status).toBe(400)
      expect(body.error.fields[0].path).toBe('parentId')
    }
  })

  it('clamps depth to maxDepth: a reply to a depth-4 comment joins depth 4', async () => {
    let parent = rootId
    const depths: number[] = []
    for (let i = 0; i < 6; i++) {
      const { body } = await post(newComment({ uri, parentId: parent }))
      depths.push(body.comment.depth)
      parent = body.comment.id
    }
    expect(depths).toEqual([1, 2, 3, 4, 4, 4])
  })
})

describe('refusals', () => {
  it('refuses a comment on a closed thread with 403 comments_closed', async () => {
    await post(newComment({ uri: '/closed' }))
    await t.deps.db.updateTable('threads').set({ closed: true }).where('uri', '=', '/closed').execute()
    const { res, body } = await post(newComment({ uri: '/closed' }))
    expect(res.status).toBe(403)
    expect(body.error.code).toBe('comments_closed')
  })

  it('closes threads older than closeAfterDays', async () => {
    await post(newComment({ uri: '/old' }))
    await setSettings({ closeAfterDays: 14 })
    t.clock.advanceSeconds(15 * 86_400)
    const { res, body } = await post(newComment({ uri: '/old' }))
    expect(res.status).toBe(403)
    expect(body.error.code).toBe('comments_closed')
    const list = await (await t.request('GET', '/api/comments?site=news&uri=/old')).json()
    expect(list.thread.closed).toBe(true)
    await setSettings({ closeAfterDays: null })
  })

  it('refuses a banned email with 403 banned, and not once the ban expires', async () => {
    const email = 'banned@example.org'
    await t.deps.db
      .insertInto('bans')
      .values({
        id: 'ban1',
        site_id: 'news',
        email,
        email_key: await t.deps.keys.emailKey(email),
        ip_key: null,
        expires_at: new Date(t.clock.now().getTime() + 3600_000),
        created_by: null,
        created_at: t.clock.now(),
      })
      .execute()
    const { res, body } = await post(newComment({ email: 'Banned@Example.org' }))
    expect(res.status).toBe(403)
    expect(body.error.code).toBe('banned')
    t.clock.advanceSeconds(3601)
    expect((await post(newComment({ email }))).res.status).toBe(202)
  })

  it('refuses a banned IP, site-wide or global', async () => {
    await t.deps.db
      .insertInto('bans')
      .values({ id: 'ban2', site_id: null, email: null, email_key: null, ip_key: await t.deps.keys.ipKey('192.0.2.66'), expires_at: null, created_by: null, created_at: t.clock.now() })
      .execute()
    const { res } = await post(newComment(), { ip: '192.0.2.66' })
    expect(res.status).toBe(403)
  })

  it('refuses a second comment from the same IP within 15 s with 429 and Retry-After', async () => {
    t.clock.advanceSeconds(60)
    expect((await post(newComment(), { ip: '192.0.2.50' })).res.status).toBe(202)
    t.clock.advanceSeconds(4)
    const { res, body } = await post(newComment(), { ip: '192.0.2.50' })
    expect(res.status).toBe(429)
    expect(body.error.code).toBe('rate_limited')
    expect(res.headers.get('retry-after')).toBe('11')
    t.clock.advanceSeconds(11)
    expect((await post(newComment(), { ip: '192.0.2.50' })).res.status).toBe(202)
  })

  it('refuses a second comment from the same email within 15 s, from another IP', async () => {
    t.clock.advanceSeconds(60)
    expect((await post(newComment({ email: 'quick@example.org' }))).res.status).toBe(202)
    expect((await post(newComment({ email: 'quick@example.org' }))).res.status).toBe(429)
  })

  it('refuses a duplicate with 409', async () => {
    t.clock.advanceSeconds(60)
    const c = newComment({ uri: '/dup' })
    expect((await post(c)).res.status).toBe(202)
    t.clock.advanceSeconds(60)
    const { res, body } = await post(c)
    expect(res.status).toBe(409)
    expect(body.error.code).toBe('duplicate')
  })

  it('answers a cross-origin post from an unlisted origin 403, and a listed one with CORS headers', async () => {
    const bad = await post(newComment(), { headers: { origin: 'https://evil.example' } })
    expect(bad.res.status).toBe(403)
    expect(bad.res.headers.get('access-control-allow-origin')).toBeNull()
    const good = await post(newComment(), { headers: { origin: NEWS_ORIGIN } })
    expect(good.res.status).toBe(202)
    expect(good.res.headers.get('access-control-allow-origin')).toBe(NEWS_ORIGIN)
  })
})
