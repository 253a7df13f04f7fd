import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
let mod: SignedIn
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
  await addSite(t.deps.db, { id: 'sports', name: 'Sports', origins: [], settings: { moderationMode: 'post' } }, t.clock.now())
  admin = await signIn(t)
  mod = await signIn(t, { role: 'moderator', sites: ['news'] })
})
afterAll(() => t.close())

async function post(over: Record<string, unknown> = {}, ip?: string) {
  t.clock.advanceSeconds(20)
  return t.request('POST', '/api/comments', { json: newComment(over), ...(ip ? { ip } : {}) })
}
async function postId(over: Record<string, unknown> = {}, ip?: string) {
  const res = await post(over, ip)
  expect([201, 202]).toContain(res.status)
  return (await res.json()).comment.id as string
}
const ban = (who: SignedIn, json: unknown) => who.request('POST', '/api/mod/bans', { json })
const statusOf = async (id: string) =>
  (await t.deps.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status

describe('bans', () => {
  it('bans an email on a site: their next post there is 403 banned, other sites unaffected', async () => {
    const email = 'troll@example.org'
    await postId({ email })
    const res = await ban(mod, { site: 'news', email: 'Troll@Example.org', reason: 'Abuse' })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body.ban).toMatchObject({ site: 'news', email, ipHash: null, reason: 'Abuse', expiresAt: null, active: true, createdBy: { id: mod.id } })
    expect(body.rejected).toEqual([])
    const refused = await post({ email })
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('banned')
    expect((await post({ email, site: 'sports' })).status).toBe(201)
  })

  it('bans the IP of a comment (never a typed IP), site-wide', async () => {
    const ip = '198.51.100.200'
    const id = await postId({}, ip)
    const res = await ban(mod, { site: 'news', ip: id, reason: 'Sock puppets' })
    expect(res.status).toBe(201)
    const row = await t.deps.db.selectFrom('comments').select('ip_key').where('id', '=', id).executeTakeFirstOrThrow()
    expect((await res.json()).ban.ipHash).toBe(row.ip_key)
    const refused = await post({ email: 'fresh.identity@example.org' }, ip)
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('banned')
    expect((await post({}, '198.51.100.201')).status).toBe(201)
    // A raw IP in the field is not a comment id.
    const raw = await ban(mod, { site: 'news', ip: '198.51.100.200', reason: 'x' })
    expect(raw.status).toBe(400)
    expect((await raw.json()).error.fields[0].path).toBe('ip')
  })

  it('an expired ban no longer applies', async () => {
    const email = 'short.ban@example.org'
    const expiresAt = new Date(t.clock.now().getTime() + 3600_000).toISOString()
    const res = await ban(mod, { site: 'news', email, reason: 'Cool off', expiresAt })
    expect(res.status).toBe(201)
    expect((await post({ email })).status).toBe(403)
    t.clock.advance(3600_000)
    expect((await post({ email })).status).toBe(201)
    const list = await (await mod.request('GET', '/api/mod/bans?site=news')).json()
    expect(list.items.find((b: { email: string }) => b.email === email).active).toBe(false)
  })

  it('rejects their pending and published comments in the same transaction when asked', async () => {
    const email = 'spree@example.org'
    const published = await postId({ email, uri: '/spree/1' })
    const held = await postId({ email, uri: '/spree/2', body: 'http://a.example http://b.example' })
    const elsewhere = await postId({ email, site: 'sports' })
    expect(await statusOf(held)).toBe('pending')
    const res = await ban(mod, { site: 'news', email, reason: 'Spree', rejectExisting: true })
    expect(res.status).toBe(201)
    expect((await res.json()).rejected.sort()).toEqual([published, held].sort())
    expect(await statusOf(published)).toBe('rejected')
    expect(await statusOf(held)).toBe('rejected')
    expect(await statusOf(elsewhere)).toBe('approved')
    expect((await (await t.request('GET', '/api/counts?site=news&uri=/spree/1')).json()).counts[0].count).toBe(0)
    const audit = await t.deps.db.selectFrom('moderation_actions').selectAll().where('comment_id', '=', published).orderBy('id').execute()
    expect(audit.at(-1)).toMatchObject({ action: 'reject', actor_id: mod.id, reason: 'Spree', details: { via: 'ban' } })
  })

  it('global bans are for admins of every site; they apply on every site', async () => {
    const email = 'everywhere@example.org'
    const refused = await ban(mod, { email, reason: 'Global' })
    expect(refused.status).toBe(403)
    const res = await ban(admin, { email, reason: 'Global' })
    expect(res.status).toBe(201)
    const b = (await res.json()).ban
    expect(b.site).toBeNull()
    expect((await post({ email })).status).toBe(403)
    expect((await post({ email, site: 'sports' })).status).toBe(403)
    // The site moderator sees it but cannot lift it.
    const list = await (await mod.request('GET', '/api/mod/bans')).json()
    expect(list.items.some((x: { id: string }) => x.id === b.id)).toBe(true)
    expect((await mod.request('DELETE', `/api/mod/bans/${b.id}`)).status).toBe(403)
    expect((await admin.request('DELETE', `/api/mod/bans/${b.id}`)).status).toBe(204)
    expect((await post({ email })).status).toBe(201)
    const audit = await t.deps.db.selectFrom('moderation_actions').selectAll().where('action', 'in', ['ban', 'unban']).where('site_id', 'is', null).execute()
    expect(audit.map((a) => a.action).sort()).toEqual(['ban', 'unban'])
  })

  it('lifting a site ban lets the author post again, and is audited', async () => {
    const email = 'forgiven@example.org'
    const b = (await (await ban(mod, { site: 'news', email, reason: 'Oops' })).json()).ban
    expect((await post({ email })).status).toBe(403)
    expect((await mod.request('DELETE', `/api/mod/bans/${b.id}`)).status).toBe(204)
    expect((await mod.request('DELETE', `/api/mod/bans/${b.id}`)).status).toBe(404)
    expect((await post({ email })).status).toBe(201)
    const audit = await (await mod.request('GET', '/api/mod/audit?site=news&limit=200')).json()
    const actions = audit.items.filter((i: { details: { banId?: string } | null }) => i.details?.banId === b.id).map((i: { action: string }) => i.action)
    expect(actions).toEqual(['unban', 'ban'])
  })

  it('validates: something to ban, a reason, a future expiry, a site the moderator has', async () => {
    const none = await ban(mod, { site: 'news', reason: 'x' })
    expect(none.status).toBe(400)
    expect((await none.json()).error.fields[0].path).toBe('email')
    const noReason = await ban(mod, { site: 'news', email: 'a@example.org' })
    expect((await noReason.json()).error.fields[0].path).toBe('reason')
    const past = await ban(mod, { site: 'news', email: 'a@example.org', reason: 'x', expiresAt: '2020-01-01T00:00:00Z' })
    expect(past.status).toBe(400)
    expect((await past.json()).error.fields[0].path).toBe('expiresAt')
    expect((await ban(mod, { site: 'sports', email: 'a@example.org', reason: 'x' })).status).toBe(403)
    const otherSiteComment = await postId({ site: 'sports' })
    expect((await ban(mod, { site: 'news', ip: otherSiteComment, reason: 'x' })).status).toBe(403)
  })
})
