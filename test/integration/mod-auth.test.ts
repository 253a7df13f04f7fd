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

describe('login lockout (issue 10, item 5)', () => {
  let ipSeq = 0
  const freshIp = () => `192.0.2.${(++ipSeq % 250) + 1}`

  it('the attack: five wrong passwords for a moderator’s email from anywhere do not lock the right password out', async () => {
    const u = await newUser()
    // From five addresses, then from one address: neither keeps the moderator out of their own desk.
    for (let i = 0; i < 5; i++) expect((await login({ email: u.email, password: `wrong-${i}` }, `203.0.113.${40 + i}`)).status).toBe(401)
    for (let i = 0; i < 5; i++) expect((await login({ email: u.email, password: `wrong-${i}` }, '203.0.113.50')).status).toBe(401)
    expect((await login({ email: u.email, password: 'wrong-again' }, '203.0.113.50')).status).toBe(429)
    const mine = await login(u, '198.51.100.200')
    expect(mine.status).toBe(200)
    // And keeping it up for hours changes nothing for the real user's address.
    for (let h = 0; h < 3; h++) {
      t.clock.advanceSeconds(16 * 60)
      for (let i = 0; i < 5; i++) await login({ email: u.email, password: `wrong-${h}-${i}` }, '203.0.113.50')
      expect((await login(u, '198.51.100.200')).status).toBe(200)
    }
  })

  it('five failures for one account from one address lock that pair (429 + Retry-After), until they age out', async () => {
    const u = await newUser()
    const ip = freshIp()
    for (let i = 0; i < 5; i++) {
      t.clock.advanceSeconds(10)
      expect((await login({ email: u.email, password: `wrong-${i}` }, ip)).status).toBe(401)
    }
    const locked = await login(u, ip)
    expect(locked.status).toBe(429)
    expect((await locked.json()).error.code).toBe('rate_limited')
    const retry = Number(locked.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(800)
    expect(retry).toBeLessThanOrEqual(900)
    // Another address, and another account from this address, are not affected.
    expect((await login(u, freshIp())).status).toBe(200)
    const other = await newUser()
    expect((await login(other, ip)).status).toBe(200)
    t.clock.advanceSeconds(retry - 5)
    expect((await login(u, ip)).status).toBe(429)
    t.clock.advanceSeconds(6)
    expect((await login(u, ip)).status).toBe(200)
  })

  it('limits each address across accounts with growing delays, up to 15 minutes', async () => {
    const ip = freshIp()
    t.clock.advanceSeconds(3600)
    // Ten free failures (typos across a few accounts are normal)...
    for (let i = 0; i < 10; i++) expect((await login({ email: `spray${i}@newsroom.example`, password: 'Summer2026!' }, ip)).status).toBe(401)
    // ...then every further failure from the address waits longer: 1 s, 2 s, 4 s, …
    const waits: number[] = []
    for (let i = 0; i < 12; i++) {
      const email = `spray${i % 10}@newsroom.example` // under the per-account limit: this is the address's
      expect((await login({ email, password: 'x-password' }, ip)).status).toBe(401)
      const held = await login({ email, password: 'x-password' }, ip)
      expect(held.status).toBe(429)
      const w = Number(held.headers.get('retry-after'))
      waits.push(w)
      t.clock.advanceSeconds(w)
    }
    expect(waits.slice(0, 6)).toEqual([1, 2, 4, 8, 16, 32])
    expect(Math.max(...waits)).toBe(900)
    // Held means held: trying again during the wait neither gets through nor is checked.
    expect((await login({ email: 'spray0@newsroom.example', password: 'x-password' }, ip)).status).toBe(401)
    expect((await login({ email: 'spray0@newsroom.example', password: 'x-password' }, ip)).status).toBe(429)
    // The limit is per address: another one is not slowed.
    expect((await login({ email: 'spray0@newsroom.example', password: 'x-password' }, freshIp())).status).toBe(401)
  })

  it('never refuses the right password from a busy address that has not failed for that account', async () => {
    const ip = freshIp()
    t.clock.advanceSeconds(3600)
    for (let i = 0; i < 20; i++) await login({ email: `office${i}@newsroom.example`, password: 'wrong-password' }, ip)
    expect((await login({ email: 'office0@newsroom.example', password: 'wrong-password' }, ip)).status).toBe(429)
    // A colleague behind the same address signs in at once…
    const colleague = await newUser()
    expect((await login(colleague, ip)).status).toBe(200)
    // …but a wrong guess for an account the address has not tried is held like the rest, and
    // from then on that account waits too (the address gets one guess per account, not more).
    const target = await newUser()
    const guess = await login({ email: target.email, password: 'Summer2026!' }, ip)
    expect(guess.status).toBe(429)
    expect((await login(target, ip)).status).toBe(429)
    expect((await login(target, freshIp())).status).toBe(200)
  })

  it('answers an unknown user exactly as a known one with a wrong password, in every state', async () => {
    const u = await newUser()
    const ip = freshIp()
    const ghost = 'ghost-moderator@newsroom.example'
    const seen = async (email: string) => {
      const res = await login({ email, password: 'wrong-password' }, ip)
      return { status: res.status, body: await res.json(), retry: res.headers.get('retry-after'), cookies: res.headers.getSetCookie() }
    }
    for (let i = 0; i < 6; i++) expect(await seen(ghost)).toEqual(await seen(u.email))
  })

  it('`user reset-password` (CLI) clears the lock; so does `user unlock`', async () => {
    const { runCli } = await import('../../src/cli/commands.js')
    const u = await newUser()
    const ip = freshIp()
    for (let i = 0; i < 5; i++) await login({ email: u.email, password: 'wrong-password' }, ip)
    expect((await login(u, ip)).status).toBe(429)
    const out: string[] = []
    expect(await runCli(['user', 'reset-password', '--email', u.email, '--password', 'a-new-password-1'], t.deps, (l) => out.push(l))).toBe(0)
    expect(out.join('\n')).toContain('sign-in lock')
    expect((await login({ email: u.email, password: 'a-new-password-1' }, ip)).status).toBe(200)

    for (let i = 0; i < 5; i++) await login({ email: u.email, password: 'wrong-password' }, ip)
    expect((await login({ email: u.email, password: 'a-new-password-1' }, ip)).status).toBe(429)
    expect(await runCli(['user', 'unlock', '--email', u.email], t.deps, () => {})).toBe(0)
    expect((await login({ email: u.email, password: 'a-new-password-1' }, ip)).status).toBe(200)
  })

  it('a sign-in sweeps failures and sessions that no longer count', async () => {
    const idle = await newUser()
    sessionCookieFrom(await login(idle)) // never used again
    await login({ email: 'stale@newsroom.example', password: 'wrong-password' })
    t.clock.advance(15 * 86_400_000)
    const u = await newUser()
    expect((await login(u)).status).toBe(200)
    const cutoff = new Date(t.clock.now().getTime() - 86_400_000)
    expect(await t.deps.db.selectFrom('login_failures').select('id').where('at', '<', cutoff).execute()).toEqual([])
    expect(await t.deps.db.selectFrom('sessions').select('id').where('expires_at', '<=', t.clock.now()).execute()).toEqual([])
  })

  it('a successful sign-in clears that address’s failures for the account, not other addresses’', async () => {
    const u = await newUser()
    const mine = freshIp()
    const theirs = freshIp()
    for (let i = 0; i < 4; i++) await login({ email: u.email, password: 'wrong-password' }, mine)
    expect((await login(u, mine)).status).toBe(200)
    for (let i = 0; i < 4; i++) await login({ email: u.email, password: 'wrong-password' }, mine)
    expect((await login(u, mine)).status).toBe(200)
    for (let i = 0; i < 5; i++) await login({ email: u.email, password: 'wrong-password' }, theirs)
    expect((await login(u, mine)).status).toBe(200)
    expect((await login(u, theirs)).status).toBe(429)
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
