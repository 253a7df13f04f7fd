import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import type { PasswordHasher } from '../../src/auth/passwords.js'
import { createUser } from '../../src/auth/user.service.js'
import { sha256Hex } from '../../src/lib/ids.js'
import { createTestContext, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { browserCookies, sessionCookieFrom, signIn } from '../helpers/mod.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

let n = 0
async function newUser(role: 'admin' | 'moderator' = 'moderator') {
  const email = `user${++n}@newsroom.example`
  const password = `a-long-password-${n}`
  await createUser(t.deps.db, t.deps.passwords, { email, password, role, sites: null }, t.clock.now())
  return { email, password }
}
const login = (json: unknown, ip?: string) => t.request('POST', '/api/auth/login', { json, ...(ip ? { ip } : {}) })
const me = (cookie: string) => t.request('GET', '/api/auth/me', { headers: { cookie } })

describe('login', () => {
  it('signs in with the right password: the user, and an HttpOnly SameSite=Lax session cookie', async () => {
    const u = await newUser('admin')
    const res = await login({ email: u.email.toUpperCase(), password: u.password })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.user).toMatchObject({ email: u.email, role: 'admin', sites: null })
    expect(JSON.stringify(body)).not.toMatch(/argon2|password/i)
    const set = res.headers.getSetCookie().find((c) => c.startsWith('parley_session='))!
    expect(set).toMatch(/; HttpOnly/)
    expect(set).toMatch(/; SameSite=Lax/)
    expect(set).toMatch(/; Path=\//)
    expect(set).not.toMatch(/Secure/) // PUBLIC_URL is http in tests
    const cookie = sessionCookieFrom(res)
    const who = await me(cookie)
    expect(who.status).toBe(200)
    expect((await who.json()).user.email).toBe(u.email)
  })

  it('stores only the sha-256 of the session token', async () => {
    const u = await newUser()
    const cookie = sessionCookieFrom(await login(u))
    const token = cookie.split('=')[1]!
    const rows = await t.deps.db.selectFrom('sessions').select('id').execute()
    expect(rows.map((r) => r.id)).toContain(sha256Hex(token))
    expect(rows.map((r) => r.id)).not.toContain(token)
  })

  it('sets Secure on the cookie when PUBLIC_URL is https', async () => {
    const u = await newUser()
    const app = createApp({ ...t.deps, config: { ...t.deps.config, publicUrl: 'https://comments.news.example' } })
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-ip': '192.0.2.77' },
      body: JSON.stringify(u),
    })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie().find((c) => c.startsWith('parley_session='))).toMatch(/; Secure/)
  })

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const u = await newUser()
    const wrong = await login({ email: u.email, password: 'not-the-password' })
    const unknown = await login({ email: 'nobody@newsroom.example', password: 'not-the-password' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.json()).toEqual(await unknown.json())
    expect(wrong.headers.getSetCookie()).toEqual([])
  })

  it('verifies a password hash for an unknown user too (similar timing)', async () => {
    const calls: string[] = []
    const counting: PasswordHasher = {
      hash: (p) => t.deps.passwords.hash(p),
      verify: async (h, p) => {
        calls.push(h)
        return t.deps.passwords.verify(h, p)
      },
    }
    const app = createApp({ ...t.deps, passwords: counting })
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-ip': '192.0.2.78' },
      body: JSON.stringify({ email: 'ghost@newsroom.example', password: 'whatever-it-is' }),
    })
    expect(res.status).toBe(401)
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatch(/^\$argon2id\$/)
  })

  it('refuses a malformed body with validation_failed', async () => {
    const res = await login({ email: 'x@example.org' })
    expect(res.status).toBe(400)
    expect((await res.json()).error.fields).toEqual([{ path: 'password', message: 'is required' }])
  })
})

describe('login lockout', () => {
  it('locks an account after 5 failures within 15 minutes (429 + Retry-After), and lets it in once they age out', async () => {
    const u = await newUser()
    for (let i = 0; i < 5; i++) {
      t.clock.advanceSeconds(10)
      expect((await login({ email: u.email, password: `wrong-${i}` })).status).toBe(401)
    }
    // Even the right password is refused while locked, whatever the IP.
    const locked = await login(u)
    expect(locked.status).toBe(429)
    expect((await locked.json()).error.code).toBe('rate_limited')
    const retry = Number(locked.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(800)
    expect(retry).toBeLessThanOrEqual(900)
    t.clock.advanceSeconds(retry - 5)
    expect((await login(u)).status).toBe(429)
    t.clock.advanceSeconds(6)
    expect((await login(u)).status).toBe(200)
  })

  it('locks an IP after 5 failures across accounts; other IPs are not affected', async () => {
    const u = await newUser()
    const ip = '203.0.113.9'
    for (let i = 0; i < 5; i++) expect((await login({ email: `guess${i}@newsroom.example`, password: 'x-password' }, ip)).status).toBe(401)
    expect((await login(u, ip)).status).toBe(429)
    expect((await login(u, '203.0.113.10')).status).toBe(200)
    t.clock.advanceSeconds(15 * 60 + 1)
    expect((await login(u, ip)).status).toBe(200)
  })

  it('a sign-in sweeps failures and sessions that no longer count', async () => {
    const idle = await newUser()
    sessionCookieFrom(await login(idle)) // never used again
    await login({ email: 'stale@newsroom.example', password: 'wrong-password' })
    t.clock.advance(15 * 86_400_000)
    const u = await newUser()
    expect((await login(u)).status).toBe(200)
    const cutoff = new Date(t.clock.now().getTime() - 15 * 60_000)
    expect(await t.deps.db.selectFrom('login_failures').select('id').where('at', '<', cutoff).execute()).toEqual([])
    expect(await t.deps.db.selectFrom('sessions').select('id').where('expires_at', '<=', t.clock.now()).execute()).toEqual([])
  })

  it('a successful sign-in clears the account’s earlier failures', async () => {
    const u = await newUser()
    for (let i = 0; i < 4; i++) await login({ email: u.email, password: 'wrong-password' })
    expect((await login(u)).status).toBe(200)
    for (let i = 0; i < 4; i++) await login({ email: u.email, password: 'wrong-password' })
    expect((await login(u)).status).toBe(200)
  })
})

describe('sessions', () => {
  it('logout answers 204, clears the cookie and invalidates the session', async () => {
    const u = await newUser()
    const cookie = sessionCookieFrom(await login(u))
    const out = await t.request('POST', '/api/auth/logout', { headers: { cookie } })
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie().find((c) => c.startsWith('parley_session='))).toMatch(/parley_session=;.*Max-Age=0/)
    expect((await me(cookie)).status).toBe(401)
    expect((await t.request('GET', '/api/mod/queue', { headers: { cookie } })).status).toBe(401)
  })

  it('expires after 14 idle days, and slides while in use', async () => {
    const u = await newUser()
    const cookie = sessionCookieFrom(await login(u))
    const userId = (await t.deps.db.selectFrom('users').select('id').where('email', '=', u.email).executeTakeFirstOrThrow()).id
    t.clock.advance(8 * 86_400_000)
    const used = await me(cookie)
    expect(used.status).toBe(200)
    // Past half its life: the expiry moves out and the cookie is sent again.
    expect(used.headers.getSetCookie().some((c) => c.startsWith('parley_session='))).toBe(true)
    // Even on a public, normally cacheable answer, a refreshed cookie makes it private.
    t.clock.advance(7 * 86_400_000 + 1000)
    const pub = await t.request('GET', '/api/comments?site=news&uri=/any', { headers: { cookie } })
    expect(pub.headers.getSetCookie().some((c) => c.startsWith('parley_session='))).toBe(true)
    expect(pub.headers.get('cache-control')).toBe('private, no-store')
    t.clock.advance(1 * 86_400_000 - 1000) // 16 days after login, 8 after the last use
    expect((await me(cookie)).status).toBe(200)
    t.clock.advance(14 * 86_400_000 + 1000)
    const sessions = () => t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()
    expect(await sessions()).toHaveLength(1)
    expect((await me(cookie)).status).toBe(401)
    // Lucia drops an expired session when it is presented; the next sign-in sweeps any others.
    expect(await sessions()).toHaveLength(0)
  })

  it('ignores a garbage or unknown cookie (401, never a 500)', async () => {
    for (const cookie of ['parley_session=nope', 'parley_session=' + 'A'.repeat(43), 'parley_session=%E0%A4%A']) {
      expect((await me(cookie)).status).toBe(401)
    }
  })

  it('approves a signed-in moderator’s own comment (pipeline phase 7)', async () => {
    const mod = await signIn(t, { role: 'moderator', sites: ['news'] })
    const res = await mod.request('POST', '/api/comments', { json: newComment() })
    expect(res.status).toBe(201)
    const row = await t.deps.db.selectFrom('comments').select(['reasons', 'user_id']).where('id', '=', (await res.json()).comment.id).executeTakeFirstOrThrow()
    expect(row.reasons[0]!.phase).toBe('moderator')
    expect(row.user_id).toBe(mod.id)
    // Without the session, the same kind of first comment is held.
    expect((await t.request('POST', '/api/comments', { json: newComment() })).status).toBe(202)
  })

  it('does not approve an admin’s comment on a site outside their sites', async () => {
    const { addSite } = await import('../../src/sites/site.service.js')
    await addSite(t.deps.db, { id: 'other', origins: [] }, t.clock.now())
    const admin = await signIn(t, { role: 'admin', sites: ['news'] })
    const res = await admin.request('POST', '/api/comments', { json: newComment({ site: 'other' }) })
    expect(res.status).toBe(202)
  })
})

describe('a stale session cookie (issue 10, item 14)', () => {
  /** A cookie from a session that has since ended: what a browser holds after a server-side sign-out. */
  async function staleCookie(u: { email: string; password: string }) {
    const cookie = sessionCookieFrom(await login(u))
    await t.deps.db.deleteFrom('sessions').execute()
    expect((await me(cookie)).status).toBe(401)
    return cookie
  }
  const sessionSets = (res: Response) => res.headers.getSetCookie().filter((c) => c.startsWith('parley_session='))

  it('POST /api/auth/login with a stale cookie: one Set-Cookie, the new session, and the next request is signed in', async () => {
    const u = await newUser()
    const stale = await staleCookie(u)
    const res = await t.request('POST', '/api/auth/login', { json: u, headers: { cookie: `other=1; ${stale}` } })
    expect(res.status).toBe(200)
    const sets = sessionSets(res)
    expect(sets).toHaveLength(1)
    expect(sets[0]).not.toMatch(/^parley_session=;/)
    expect(sets[0]).not.toMatch(/Max-Age=0/)
    const jar = browserCookies(`other=1; ${stale}`, res)
    expect(jar).not.toContain(stale)
    const next = await t.request('GET', '/api/auth/me', { headers: { cookie: jar } })
    expect(next.status).toBe(200)
    expect((await next.json()).user.email).toBe(u.email)
  })

  it('POST /mod/login with a stale cookie: one Set-Cookie, the new session, and the desk opens', async () => {
    const u = await newUser()
    const stale = await staleCookie(u)
    const res = await t.request('POST', '/mod/login', {
      body: new URLSearchParams({ email: u.email, password: u.password, next: '/mod/queue' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: stale, origin: PUBLIC_URL },
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/mod/queue')
    const sets = sessionSets(res)
    expect(sets).toHaveLength(1)
    expect(sets[0]).not.toMatch(/Max-Age=0/)
    const jar = browserCookies(stale, res)
    const desk = await t.request('GET', '/mod/queue', { headers: { cookie: jar } })
    expect(desk.status).toBe(200)
    expect(await desk.text()).toContain(u.email)
  })

  it('a stale cookie on any other request is still blanked', async () => {
    const u = await newUser()
    const stale = await staleCookie(u)
    const res = await me(stale)
    expect(res.status).toBe(401)
    expect(sessionSets(res)).toEqual([expect.stringMatching(/^parley_session=;.*Max-Age=0/)])
  })

  it('signing out past half a session’s life clears the cookie (no refreshed cookie after the blank one)', async () => {
    const u = await newUser()
    const cookie = sessionCookieFrom(await login(u))
    t.clock.advance(8 * 86_400_000)
    const out = await t.request('POST', '/api/auth/logout', { headers: { cookie } })
    expect(out.status).toBe(204)
    expect(browserCookies(cookie, out)).toBe('')
  })
})

describe('cross-origin refusal', () => {
  it('refuses state-changing moderator requests from another origin (Origin or Sec-Fetch-Site)', async () => {
    const mod = await signIn(t)
    const bodies = { json: { ids: ['nothing'], action: 'approve' } }
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example' },
      { origin: 'https://news.example' }, // a site's own origin is still not Parley's
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const res = await mod.request('POST', '/api/mod/actions', { ...bodies, headers })
      expect(res.status).toBe(403)
      expect((await res.json()).error.code).toBe('forbidden')
    }
    const logout = await mod.request('POST', '/api/auth/logout', { headers: { origin: 'https://evil.example' } })
    expect(logout.status).toBe(403)
    expect((await mod.request('GET', '/api/auth/me')).status).toBe(200)
    // From Parley's own origin the request goes through (404: the id does not exist).
    const own = await mod.request('POST', '/api/mod/actions', { ...bodies, headers: { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' } })
    expect(own.status).toBe(404)
  })

  it('refuses a cross-origin login too', async () => {
    const u = await newUser()
    const res = await t.request('POST', '/api/auth/login', { json: u, headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
  })
})

describe('no session, no moderator API', () => {
  const routes: [string, string][] = [
    ['GET', '/api/mod/queue'],
    ['GET', '/api/mod/queue?site=news&queue=spam'],
    ['POST', '/api/mod/comments/abc/actions'],
    ['POST', '/api/mod/actions'],
    ['POST', '/api/mod/bans'],
    ['GET', '/api/mod/bans'],
    ['DELETE', '/api/mod/bans/abc'],
    ['GET', '/api/mod/sites/news/settings'],
    ['PATCH', '/api/mod/sites/news/settings'],
    ['GET', '/api/mod/sites/news/authors'],
    ['POST', '/api/mod/sites/news/authors'],
    ['PATCH', '/api/mod/sites/news/authors/ashley'],
    ['DELETE', '/api/mod/sites/news/authors/ashley'],
    ['GET', '/api/mod/threads'],
    ['PATCH', '/api/mod/threads/abc'],
    ['GET', '/api/mod/audit'],
    ['GET', '/api/mod/no-such-route'],
  ]
  it.each(routes)('%s %s → 401', async (method, path) => {
    const withBody = method === 'POST' || method === 'PATCH'
    for (const cookie of [undefined, 'parley_session=' + 'x'.repeat(43)]) {
      const res = await t.request(method, path, { ...(withBody ? { json: {} } : {}), headers: cookie ? { cookie } : {} })
      expect(res.status).toBe(401)
      expect((await res.json()).error.code).toBe('unauthenticated')
    }
  })
})
