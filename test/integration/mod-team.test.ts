import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

/** A site's team through the moderator API (docs/api.md "Team"), roles per site. */

let t: TestContext
let global: SignedIn
let newsAdmin: SignedIn
let newsMod: SignedIn
beforeAll(async () => {
  t = await createTestContext()
  await addSite(t.deps.db, { id: 'sports', name: 'Sports', origins: [] }, t.clock.now())
  global = await signIn(t)
  newsAdmin = await signIn(t, { role: 'admin', sites: ['news'] })
  newsMod = await signIn(t, { role: 'moderator', sites: ['news'] })
})
afterAll(() => t.close())

type Member = { userId: string; email: string; role: string; everySite: boolean }
const team = async (who: SignedIn, site = 'news') => {
  const res = await who.request('GET', `/api/mod/sites/${site}/team`)
  expect(res.status).toBe(200)
  return (await res.json()).items as Member[]
}
const audit = (action: string) =>
  t.deps.db.selectFrom('moderation_actions').selectAll().where('action', '=', action).orderBy('id').execute()
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; fields?: { path: string }[] } }).error

describe('GET /api/mod/sites/:site/team', () => {
  it('lists the site’s team with each one’s role on it, every-site users included', async () => {
    const items = await team(newsAdmin)
    expect(items.find((m) => m.userId === newsAdmin.id)).toEqual({ userId: newsAdmin.id, email: newsAdmin.email, role: 'admin', everySite: false })
    expect(items.find((m) => m.userId === newsMod.id)).toMatchObject({ role: 'moderator', everySite: false })
    expect(items.find((m) => m.userId === global.id)).toMatchObject({ role: 'admin', everySite: true })
    for (const m of items) expect(Object.keys(m).sort()).toEqual(['email', 'everySite', 'role', 'userId'])
    // Ordered by email; sports's team has no news-only people.
    expect(items.map((m) => m.email)).toEqual([...items.map((m) => m.email)].sort())
    expect((await team(global, 'sports')).map((m) => m.userId)).toEqual([global.id])
  })

  it('is for admins of that site: moderators 403, other sites 403, unknown site 404, no session 401', async () => {
    expect((await newsMod.request('GET', '/api/mod/sites/news/team')).status).toBe(403)
    expect((await newsAdmin.request('GET', '/api/mod/sites/sports/team')).status).toBe(403)
    expect((await newsAdmin.request('GET', '/api/mod/sites/nowhere/team')).status).toBe(403)
    expect((await global.request('GET', '/api/mod/sites/nowhere/team')).status).toBe(404)
    expect((await t.request('GET', '/api/mod/sites/news/team')).status).toBe(401)
    expect((await global.request('GET', '/api/mod/sites/Bad!/team')).status).toBe(400)
  })
})

describe('POST /api/mod/sites/:site/team', () => {
  it('invites a new address as a member of this site only: 201, an invite email, audited', async () => {
    const res = await newsAdmin.request('POST', '/api/mod/sites/news/team', { json: { email: 'Fresh.Face@Newsroom.example', role: 'moderator' } })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body).toMatchObject({ member: { email: 'fresh.face@newsroom.example', role: 'moderator', everySite: false }, invited: true })
    expect(body.setPasswordUrl).toMatch(new RegExp(`^${PUBLIC_URL}/mod/set-password\\?token=`))
    const mail = await t.deps.db.selectFrom('email_outbox').selectAll().where('kind', '=', 'moderator_invite').where('to_address', '=', 'fresh.face@newsroom.example').executeTakeFirstOrThrow()
    expect(mail.text_body).toContain(body.setPasswordUrl)
    expect((await team(newsAdmin)).find((m) => m.userId === body.member.userId)).toMatchObject({ role: 'moderator' })
    expect((await team(global, 'sports')).find((m) => m.userId === body.member.userId)).toBeUndefined()
    expect((await audit('user_invite')).at(-1)).toMatchObject({ site_id: 'news', actor_id: newsAdmin.id, details: { userId: body.member.userId, role: 'moderator' } })
  })

  it('adds an existing user of another site with a role here; their role there is untouched', async () => {
    const sportsMod = await signIn(t, { role: 'moderator', sites: ['sports'] })
    const res = await newsAdmin.request('POST', '/api/mod/sites/news/team', { json: { email: sportsMod.email, role: 'admin' } })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ member: { userId: sportsMod.id, role: 'admin' }, invited: false, setPasswordUrl: null })
    const me = (await (await sportsMod.request('GET', '/api/auth/me')).json()).user
    expect(me).toMatchObject({ globalRole: null, siteRoles: { news: 'admin', sports: 'moderator' }, sites: ['news', 'sports'], role: 'admin' })
    expect((await sportsMod.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 2 } })).status).toBe(200)
    expect((await sportsMod.request('PATCH', '/api/mod/sites/sports/settings', { json: { maxLinks: 2 } })).status).toBe(403)
  })

  it('refuses someone already on the team (409 duplicate), every-site users included', async () => {
    for (const email of [newsMod.email, global.email]) {
      const res = await newsAdmin.request('POST', '/api/mod/sites/news/team', { json: { email, role: 'admin' } })
      expect(res.status).toBe(409)
      expect((await errorOf(res)).code).toBe('duplicate')
    }
  })

  it('answers bad input with 400 validation_failed naming the fields, and stores nothing', async () => {
    const before = await t.deps.db.selectFrom('users').select('id').execute()
    for (const [json, path] of [
      [{ email: 'not-an-address', role: 'moderator' }, 'email'],
      [{ role: 'moderator' }, 'email'],
      [{ email: 'ok@newsroom.example', role: 'owner' }, 'role'],
      [{ email: 'x'.repeat(250) + '@newsroom.example', role: 'admin' }, 'email'],
    ] as const) {
      const res = await newsAdmin.request('POST', '/api/mod/sites/news/team', { json })
      expect(res.status).toBe(400)
      const e = await errorOf(res)
      expect(e.code).toBe('validation_failed')
      expect(e.fields?.map((f) => f.path)).toContain(path)
    }
    expect((await newsAdmin.request('POST', '/api/mod/sites/news/team', { json: [] })).status).toBe(400)
    expect(await t.deps.db.selectFrom('users').select('id').execute()).toHaveLength(before.length)
  })

  it('is for admins of the site only', async () => {
    expect((await newsMod.request('POST', '/api/mod/sites/news/team', { json: { email: 'friend@newsroom.example', role: 'admin' } })).status).toBe(403)
    expect((await newsAdmin.request('POST', '/api/mod/sites/sports/team', { json: { email: 'friend@newsroom.example', role: 'admin' } })).status).toBe(403)
    expect(await t.deps.db.selectFrom('users').select('id').where('email', '=', 'friend@newsroom.example').executeTakeFirst()).toBeUndefined()
  })
})

describe('PATCH and DELETE /api/mod/sites/:site/team/:userId', () => {
  it('changes a role on this site; the member’s very next request has the new power', async () => {
    const m = await signIn(t, { role: 'moderator', sites: ['news'] })
    expect((await m.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 2 } })).status).toBe(403)
    const up = await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${m.id}`, { json: { role: 'admin' } })
    expect(up.status).toBe(200)
    expect(await up.json()).toEqual({ member: { userId: m.id, email: m.email, role: 'admin', everySite: false } })
    expect((await m.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 2 } })).status).toBe(200)
    const down = await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${m.id}`, { json: { role: 'moderator' } })
    expect(down.status).toBe(200)
    // Same session, next request: no longer an admin.
    expect((await m.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 2 } })).status).toBe(403)
    expect((await m.request('GET', '/api/mod/sites/news/team')).status).toBe(403)
    const rows = (await audit('user_role')).filter((r) => (r.details as { userId: string }).userId === m.id)
    expect(rows.map((r) => [r.site_id, r.actor_id, r.details])).toEqual([
      ['news', newsAdmin.id, { userId: m.id, from: 'moderator', to: 'admin' }],
      ['news', newsAdmin.id, { userId: m.id, from: 'admin', to: 'moderator' }],
    ])
  })

  it('removes a member from this site: their next request has no access here, and their other sites stay', async () => {
    const both = await signIn(t, { role: 'moderator', sites: ['news', 'sports'] })
    const res = await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${both.id}`)
    expect(res.status).toBe(204)
    expect((await both.request('GET', '/api/mod/queue?site=news')).status).toBe(403)
    expect((await both.request('GET', '/api/mod/queue?site=sports')).status).toBe(200)
    expect((await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${both.id}`)).status).toBe(404)
    expect((await audit('user_remove')).at(-1)).toMatchObject({ site_id: 'news', actor_id: newsAdmin.id, details: { userId: both.id, role: 'moderator', deleted: false } })
    // Someone with no other site is gone, sessions and all.
    const only = await signIn(t, { role: 'moderator', sites: ['news'] })
    expect((await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${only.id}`)).status).toBe(204)
    expect((await only.request('GET', '/api/auth/me')).status).toBe(401)
    expect(await t.deps.db.selectFrom('users').select('id').where('id', '=', only.id).executeTakeFirst()).toBeUndefined()
  })

  it('a user not on the site’s team is 404 there, and nothing changes', async () => {
    const sportsAdmin = await signIn(t, { role: 'admin', sites: ['sports'] })
    expect((await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${sportsAdmin.id}`, { json: { role: 'moderator' } })).status).toBe(404)
    expect((await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${sportsAdmin.id}`)).status).toBe(404)
    expect((await newsAdmin.request('PATCH', '/api/mod/sites/news/team/nosuchuser', { json: { role: 'moderator' } })).status).toBe(404)
    expect((await newsAdmin.request('DELETE', '/api/mod/sites/news/team/NOT-AN-ID!')).status).toBe(404)
    expect((await team(global, 'sports')).find((m) => m.userId === sportsAdmin.id)).toMatchObject({ role: 'admin' })
  })

  it('answers bad input with 400 validation_failed, and moderators with 403', async () => {
    for (const json of [{}, { role: 'owner' }, { role: 1 }]) {
      const res = await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${newsMod.id}`, { json })
      expect(res.status).toBe(400)
      expect(await errorOf(res)).toMatchObject({ code: 'validation_failed', fields: [{ path: 'role' }] })
    }
    expect((await newsMod.request('PATCH', `/api/mod/sites/news/team/${newsAdmin.id}`, { json: { role: 'moderator' } })).status).toBe(403)
    expect((await newsMod.request('DELETE', `/api/mod/sites/news/team/${newsAdmin.id}`)).status).toBe(403)
    expect((await team(newsAdmin)).find((m) => m.userId === newsAdmin.id)?.role).toBe('admin')
  })

  it('never changes yourself (so the acting admin always stays) nor an admin of every site', async () => {
    for (const res of [
      await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${newsAdmin.id}`, { json: { role: 'moderator' } }),
      await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${newsAdmin.id}`),
      await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${global.id}`, { json: { role: 'moderator' } }),
      await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${global.id}`),
    ]) {
      expect(res.status).toBe(403)
      expect((await errorOf(res)).code).toBe('forbidden')
    }
    expect((await team(global)).find((m) => m.userId === global.id)?.role).toBe('admin')
  })

  it('makes a moderator of every site admin of this site only, and back', async () => {
    const everywhere = await signIn(t, { role: 'moderator', sites: null })
    expect((await team(newsAdmin)).find((m) => m.userId === everywhere.id)).toMatchObject({ role: 'moderator', everySite: true })
    expect((await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${everywhere.id}`, { json: { role: 'admin' } })).status).toBe(200)
    expect((await everywhere.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 2 } })).status).toBe(200)
    expect((await everywhere.request('PATCH', '/api/mod/sites/sports/settings', { json: { maxLinks: 2 } })).status).toBe(403)
    expect((await everywhere.request('GET', '/api/mod/queue?site=sports')).status).toBe(200)
    // Removing them from one site would change every site: the operator's job.
    expect((await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${everywhere.id}`)).status).toBe(403)
    expect((await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${everywhere.id}`, { json: { role: 'moderator' } })).status).toBe(200)
    expect((await everywhere.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 2 } })).status).toBe(403)
    expect((await everywhere.request('GET', '/api/mod/queue?site=news')).status).toBe(200)
  })

  it('two admins demoting each other at once: one wins, the site keeps an admin', async () => {
    await addSite(t.deps.db, { id: 'duel', name: 'Duel', origins: [] }, t.clock.now())
    const a = await signIn(t, { role: 'admin', sites: ['duel'] })
    const b = await signIn(t, { role: 'admin', sites: ['duel'] })
    const [ra, rb] = await Promise.all([
      a.request('PATCH', `/api/mod/sites/duel/team/${b.id}`, { json: { role: 'moderator' } }),
      b.request('PATCH', `/api/mod/sites/duel/team/${a.id}`, { json: { role: 'moderator' } }),
    ])
    expect([ra.status, rb.status].sort()).toEqual([200, 403])
    const admins = (await team(global, 'duel')).filter((m) => m.role === 'admin' && !m.everySite)
    expect(admins).toHaveLength(1)
  })
})
