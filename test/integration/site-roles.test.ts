import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

/**
 * Roles belong to a site (issue 10 item 3): nothing done from one site changes anyone's power on
 * another. `news` and `sports` are two sites; the attacker is an admin of `news` only.
 */

let t: TestContext
let global: SignedIn
let newsAdmin: SignedIn
const SAME = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'pre' } })
  await addSite(t.deps.db, { id: 'sports', name: 'Sports', origins: ['https://sports.example'], settings: { moderationMode: 'pre' } }, t.clock.now())
  global = await signIn(t)
  newsAdmin = await signIn(t, { role: 'admin', sites: ['news'] })
})
afterAll(() => t.close())

const formPost = (who: { cookie: string }, path: string, fields: Record<string, string>) =>
  t.request('POST', path, {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookie, ...SAME },
  })
const sportsSettings = async () =>
  (await t.deps.db.selectFrom('sites').select('settings').where('id', '=', 'sports').executeTakeFirstOrThrow()).settings
const auditOf = (site: string, action: string) =>
  t.deps.db.selectFrom('moderation_actions').selectAll().where('site_id', '=', site).where('action', '=', action).orderBy('id').execute()
const team = async (who: SignedIn, site: string) => {
  const res = await who.request('GET', `/api/mod/sites/${site}/team`)
  expect(res.status).toBe(200)
  return (await res.json()).items as { userId: string; email: string; role: string }[]
}
const roleIn = async (site: string, userId: string) => (await team(global, site)).find((m) => m.userId === userId)?.role ?? null

describe('an admin of one site reaching into another (reproductions)', () => {
  it('demoting an admin of both sites from news leaves them admin of sports (desk route)', async () => {
    const both = await signIn(t, { role: 'admin', sites: ['news', 'sports'] })
    const before = await sportsSettings()
    const res = await formPost(newsAdmin, `/mod/sites/news/moderators/${both.id}/role`, { role: 'moderator' })
    expect(res.status).toBe(303)
    // Still admin of sports: their own next request may change sports's settings…
    const patch = await both.request('PATCH', '/api/mod/sites/sports/settings', { json: { maxLinks: 4 } })
    expect(patch.status).toBe(200)
    // …but no longer news's.
    expect((await both.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 4 } })).status).toBe(403)
    await both.request('PATCH', '/api/mod/sites/sports/settings', { json: { maxLinks: (before as { maxLinks?: number }).maxLinks ?? 2 } })
  })

  it('promoting a moderator of both sites from news gives no power on sports (desk route)', async () => {
    const mod = await signIn(t, { role: 'moderator', sites: ['news', 'sports'] })
    const before = await sportsSettings()
    const res = await formPost(newsAdmin, `/mod/sites/news/moderators/${mod.id}/role`, { role: 'admin' })
    expect(res.status).toBe(303)
    // Admin of news now…
    expect((await mod.request('PATCH', '/api/mod/sites/news/settings', { json: { maxLinks: 3 } })).status).toBe(200)
    // …and still only a moderator of sports: B's origins and moderator emails stay B's.
    const attack = await mod.request('PATCH', '/api/mod/sites/sports/settings', {
      json: { origins: ['https://evil.example'], moderatorEmails: ['thief@evil.example'] },
    })
    expect(attack.status).toBe(403)
    expect(await sportsSettings()).toEqual(before)
    expect((await mod.request('GET', '/api/mod/sites/sports/team')).status).toBe(403)
    expect((await mod.request('GET', '/mod/sites/sports/settings')).status).toBe(403)
    expect((await auditOf('sports', 'settings')).filter((r) => r.actor_id === mod.id)).toEqual([])
  })

  it('the same promotion through the team API gives no power on sports either', async () => {
    const mod = await signIn(t, { role: 'moderator', sites: ['news', 'sports'] })
    const before = await sportsSettings()
    const res = await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${mod.id}`, { json: { role: 'admin' } })
    expect(res.status).toBe(200)
    expect(await roleIn('news', mod.id)).toBe('admin')
    expect(await roleIn('sports', mod.id)).toBe('moderator')
    const attack = await mod.request('PATCH', '/api/mod/sites/sports/settings', { json: { moderatorEmails: ['thief@evil.example'] } })
    expect(attack.status).toBe(403)
    expect(await sportsSettings()).toEqual(before)
    // The change is audited on news only.
    expect((await auditOf('news', 'user_role')).at(-1)).toMatchObject({ actor_id: newsAdmin.id, details: { userId: mod.id, from: 'moderator', to: 'admin' } })
    expect((await auditOf('sports', 'user_role')).filter((r) => (r.details as { userId?: string }).userId === mod.id)).toEqual([])
  })

  it('an admin of news cannot see, add, change or remove the sports team', async () => {
    const sportsAdmin = await signIn(t, { role: 'admin', sites: ['sports'] })
    expect((await newsAdmin.request('GET', '/api/mod/sites/sports/team')).status).toBe(403)
    expect((await newsAdmin.request('POST', '/api/mod/sites/sports/team', { json: { email: 'friend@evil.example', role: 'admin' } })).status).toBe(403)
    expect((await newsAdmin.request('PATCH', `/api/mod/sites/sports/team/${sportsAdmin.id}`, { json: { role: 'moderator' } })).status).toBe(403)
    expect((await newsAdmin.request('DELETE', `/api/mod/sites/sports/team/${sportsAdmin.id}`)).status).toBe(403)
    // Through news's own team, a sports-only admin is not on the team: 404, nothing changed.
    expect((await newsAdmin.request('PATCH', `/api/mod/sites/news/team/${sportsAdmin.id}`, { json: { role: 'moderator' } })).status).toBe(404)
    expect((await newsAdmin.request('DELETE', `/api/mod/sites/news/team/${sportsAdmin.id}`)).status).toBe(404)
    expect((await formPost(newsAdmin, `/mod/sites/news/moderators/${sportsAdmin.id}/role`, { role: 'moderator' })).status).toBe(404)
    expect((await formPost(newsAdmin, `/mod/sites/sports/moderators/${sportsAdmin.id}/role`, { role: 'moderator' })).status).toBe(403)
    expect(await roleIn('sports', sportsAdmin.id)).toBe('admin')
    expect(await t.deps.db.selectFrom('users').select('email').where('email', '=', 'friend@evil.example').executeTakeFirst()).toBeUndefined()
  })

  it('removing someone from news leaves their sports role and session alone', async () => {
    const both = await signIn(t, { role: 'moderator', sites: ['news', 'sports'] })
    const res = await formPost(newsAdmin, `/mod/sites/news/moderators/${both.id}/remove`, {})
    expect(res.status).toBe(303)
    expect((await both.request('GET', '/api/mod/queue?site=sports')).status).toBe(200)
    expect((await both.request('GET', '/api/mod/queue?site=news')).status).toBe(403)
  })

  it('moderation emails of sports never go to an admin of news only', async () => {
    t.clock.advanceSeconds(30)
    const res = await t.request('POST', '/api/comments', {
      json: newComment({ site: 'sports', uri: '/held' }),
    })
    expect(res.status).toBe(202)
    const to = (await t.deps.db.selectFrom('email_outbox').select('to_address').where('kind', '=', 'moderation_needed').where('site_id', '=', 'sports').execute()).map(
      (r) => r.to_address,
    )
    expect(to).toContain(global.email)
    expect(to).not.toContain(newsAdmin.email)
  })
})
