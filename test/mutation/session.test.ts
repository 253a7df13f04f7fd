import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, deleteExpiredSessions, kyselyAdapter } from '../../src/auth/session.js'
import { createUser } from '../../src/auth/user.service.js'
import { sha256Hex } from '../../src/lib/ids.js'
import { createTestContext, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { browserCookies, sessionCookieFrom } from '../helpers/mod.js'

// Moderator sessions (src/auth/session.ts), fast: sessions are opened with createSession (no
// argon2), one app and one database for the file. What a moderator or an attacker would notice:
// a cookie that lives too long or too short, a session that survives sign-out, a role taken
// away that still counts, a cross-site form that acts with the moderator's cookie.

const DAY = 86_400_000
let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

let n = 0
async function moderator(opts: { sites?: string[] | null; password?: string } = {}) {
  const email = `session${++n}@newsroom.example`
  const password = opts.password ?? `a-long-password-${n}`
  const user = await createUser(t.deps.db, t.deps.passwords, { email, password, role: 'moderator', sites: opts.sites ?? null }, t.clock.now())
  return { id: user.id, email, password }
}
/** A user with a fresh session: the Cookie header a browser would send, and the raw token. */
async function signedIn(opts: { sites?: string[] | null } = {}) {
  const u = await moderator(opts)
  const { token, cookie } = await createSession(t.deps, u.id)
  return { ...u, token, setCookie: cookie, cookie: `parley_session=${token}` }
}
const me = (cookie: string) => t.request('GET', '/api/auth/me', { headers: { cookie } })
const sessionSets = (res: Response) => res.headers.getSetCookie().filter((c) => c.startsWith('parley_session='))
const storedSessions = (userId: string) => t.deps.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute()

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, for the whole site, 14 days long; Secure once PUBLIC_URL is https', async () => {
    const s = await signedIn()
    expect(s.setCookie).toBe(`parley_session=${s.token}; HttpOnly; Max-Age=${14 * 86_400}; Path=/; SameSite=Lax`)
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{20,100}$/)
    const https = { ...t.deps, config: { ...t.deps.config, publicUrl: 'https://comments.news.example' } }
    const secure = await createSession(https, s.id)
    expect(secure.cookie).toBe(`parley_session=${secure.token}; HttpOnly; Max-Age=${14 * 86_400}; Path=/; SameSite=Lax; Secure`)
  })

  it('signs the moderator in; the database keeps only the sha-256 of the token', async () => {
    const s = await signedIn()
    const res = await me(s.cookie)
    expect(res.status).toBe(200)
    expect((await res.json()).user.email).toBe(s.email)
    // A request within the first half of the session's life sends no new cookie.
    expect(sessionSets(res)).toEqual([])
    const rows = await storedSessions(s.id)
    expect(rows.map((r) => r.id)).toEqual([sha256Hex(s.token)])
    expect(new Date(rows[0]!.expires_at).getTime()).toBeCloseTo(t.clock.now().getTime() + 14 * DAY, -3)
  })

  it('opens the desk under the moderator’s roles, read again on every request', async () => {
    const s = await signedIn({ sites: ['news'] })
    const desk = await t.request('GET', '/mod/queue', { headers: { cookie: s.cookie } })
    expect(desk.status).toBe(200)
    expect(await desk.text()).toContain(s.email)
    expect((await t.request('GET', '/api/mod/queue?site=news', { headers: { cookie: s.cookie } })).status).toBe(200)
    await t.deps.db.deleteFrom('site_roles').where('user_id', '=', s.id).execute()
    expect((await t.request('GET', '/api/mod/queue?site=news', { headers: { cookie: s.cookie } })).status).toBe(403)
  })

  it('no cookie: no Set-Cookie, and a public answer stays cacheable', async () => {
    const res = await t.request('GET', '/api/comments?site=news&uri=/no-cookie')
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=5')
  })

  it('an unknown, malformed or undecodable cookie is no session: 401, never a 500, and the cookie is blanked', async () => {
    for (const cookie of ['parley_session=' + 'A'.repeat(43), 'parley_session=short', 'parley_session=%E0%A4%A']) {
      const res = await me(cookie)
      expect(res.status, cookie).toBe(401)
      expect((await res.json()).error).toEqual({ code: 'unauthenticated', message: 'Not signed in.' })
    }
    const unknown = await t.request('GET', '/api/comments?site=news&uri=/stale', { headers: { cookie: 'parley_session=' + 'B'.repeat(43) } })
    expect(sessionSets(unknown)).toEqual(['parley_session=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax'])
    // A shared cache must not keep an answer that sets a cookie.
    expect(unknown.headers.get('cache-control')).toBe('private, no-store')
  })

  it('moderator routes without a session: 401 with a message that says what to do', async () => {
    const res = await t.request('GET', '/api/mod/queue')
    expect(res.status).toBe(401)
    expect((await res.json()).error).toEqual({ code: 'unauthenticated', message: 'Sign in as a moderator first.' })
  })
})

describe('expiry', () => {
  it('lasts 14 days from its last use past half its life: it slides, then runs out', async () => {
    const s = await signedIn()
    t.clock.advance(7 * DAY - 60_000)
    const early = await me(s.cookie)
    expect(early.status).toBe(200)
    expect(sessionSets(early)).toEqual([])
    t.clock.advance(2 * 60_000) // 7 days and a minute: past half its life
    const refreshed = await t.request('GET', '/api/comments?site=news&uri=/slide', { headers: { cookie: s.cookie } })
    expect(refreshed.status).toBe(200)
    expect(sessionSets(refreshed)).toEqual([s.setCookie])
    expect(refreshed.headers.get('cache-control')).toBe('private, no-store')
    const [row] = await storedSessions(s.id)
    expect(new Date(row!.expires_at).getTime()).toBeCloseTo(t.clock.now().getTime() + 14 * DAY, -3)
    t.clock.advance(14 * DAY + 60_000)
    const gone = await me(s.cookie)
    expect(gone.status).toBe(401)
    expect(sessionSets(gone)).toEqual(['parley_session=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax'])
    expect(await storedSessions(s.id)).toEqual([])
  })

  it('a session ends at its exact expiry; the sweep removes those and only those', async () => {
    const at = async (s: { id: string }, ms: number) =>
      t.deps.db.updateTable('sessions').set({ expires_at: new Date(t.clock.now().getTime() + ms) }).where('user_id', '=', s.id).execute()
    const ending = await signedIn()
    const left = await signedIn()
    await at(ending, 0)
    await at(left, 1000)
    expect((await me(ending.cookie)).status).toBe(401)
    expect((await me(left.cookie)).status).toBe(200)
    const swept = await signedIn()
    const stays = await signedIn()
    await at(swept, 0)
    await at(stays, 1)
    await deleteExpiredSessions(t.deps)
    expect(await storedSessions(swept.id)).toEqual([])
    expect(await storedSessions(stays.id)).toHaveLength(1)
  })
})

describe('signing out and in', () => {
  it('sign-out ends the session on the server, not only in the browser', async () => {
    const s = await signedIn()
    const out = await t.request('POST', '/api/auth/logout', { headers: { cookie: s.cookie } })
    expect(out.status).toBe(204)
    expect(sessionSets(out)).toEqual(['parley_session=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax'])
    expect(await storedSessions(s.id)).toEqual([])
    expect((await me(s.cookie)).status).toBe(401)
  })

  it('signing out past half a session’s life: the blank cookie is the last word', async () => {
    const s = await signedIn()
    t.clock.advance(8 * DAY)
    const out = await t.request('POST', '/api/auth/logout', { headers: { cookie: s.cookie } })
    expect(sessionSets(out)).toHaveLength(1)
    expect(browserCookies(s.cookie, out)).toBe('')
  })

  it('a desk page that sets a cookie of its own still refreshes the session past half its life', async () => {
    const s = await signedIn()
    t.clock.advance(8 * DAY)
    // Reading the one-time notice (a flash cookie) clears that cookie: a Set-Cookie of the page's own.
    const page = await t.request('GET', '/mod/queue', { headers: { cookie: `${s.cookie}; parley_flash=${encodeURIComponent('{"kind":"ok","text":"Done."}')}` } })
    expect(page.status).toBe(200)
    expect(page.headers.getSetCookie().some((c) => c.startsWith('parley_flash='))).toBe(true)
    expect(sessionSets(page)).toEqual([s.setCookie])
  })

  it('signing in over a stale cookie: one Set-Cookie, the new session', async () => {
    const u = await moderator()
    const stale = 'parley_session=' + 'C'.repeat(43)
    const res = await t.request('POST', '/api/auth/login', { json: { email: u.email, password: u.password }, headers: { cookie: stale } })
    expect(res.status).toBe(200)
    expect(sessionSets(res)).toHaveLength(1)
    const jar = browserCookies(stale, res)
    expect(jar).toBe(sessionCookieFrom(res))
    expect((await (await me(jar)).json()).user.email).toBe(u.email)
  })
})

describe('the Lucia adapter', () => {
  it('lists and ends all of one user’s sessions, in Lucia’s time, and no one else’s', async () => {
    const a = await signedIn()
    await createSession(t.deps, a.id)
    const b = await signedIn()
    const adapter = kyselyAdapter(() => t.deps.db, t.clock)
    const listed = await adapter.getUserSessions(a.id)
    expect(listed.map((s) => s.userId)).toEqual([a.id, a.id])
    expect(listed.map((s) => s.id)).toContain(sha256Hex(a.token))
    // Lucia compares expiry with Date.now(); the app's clock is the test's: 14 days in Lucia's time.
    for (const s of listed) expect(s.expiresAt.getTime()).toBeCloseTo(Date.now() + 14 * DAY, -4)
    await adapter.deleteUserSessions(a.id)
    expect(await storedSessions(a.id)).toEqual([])
    expect(await storedSessions(b.id)).toHaveLength(1)
  })
})

describe('cross-site requests with the moderator’s cookie (CSRF)', () => {
  let cookie: string
  beforeAll(async () => {
    cookie = (await signedIn()).cookie
  })
  /** A bulk action on a comment that does not exist: 404 once let through, 403 when refused. */
  const act = (headers: Record<string, string>, url = '/api/mod/actions') =>
    t.app.request(url, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-test-ip': '192.0.2.9', ...headers },
      body: JSON.stringify({ ids: ['nothing'], action: 'approve' }),
    })
  const refused = async (res: Response) => {
    expect(res.status).toBe(403)
    expect((await res.json()).error).toEqual({ code: 'forbidden', message: 'Moderator requests must come from Parley itself.' })
  }

  it('refuses a state-changing request from another site, by Origin or by Sec-Fetch-Site', async () => {
    await refused(await act({ origin: 'https://evil.example' }))
    await refused(await act({ origin: 'https://news.example' })) // a publisher's page is not Parley
    await refused(await act({ origin: 'null' })) // a sandboxed frame
    await refused(await act({ 'sec-fetch-site': 'cross-site' }))
    await refused(await act({ 'sec-fetch-site': 'same-site' }))
    await refused(await act({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }))
    const out = await t.request('POST', '/api/auth/logout', { headers: { cookie, 'sec-fetch-site': 'cross-site' } })
    expect(out.status).toBe(403)
    expect((await me(cookie)).status).toBe(200)
  })

  it('lets through Parley’s own pages, a typed address, and clients that are not browsers', async () => {
    expect((await act({ origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' })).status).toBe(404)
    expect((await act({ 'sec-fetch-site': 'none' })).status).toBe(404)
    expect((await act({})).status).toBe(404)
  })

  it('trusts the address the request came to only with the same scheme and host', async () => {
    // Reached as http://localhost:8080 (PUBLIC_URL says otherwise): its own pages may post.
    const local = 'http://localhost:8080/api/mod/actions'
    expect((await act({ host: 'localhost:8080', origin: 'http://localhost:8080' }, local)).status).toBe(404)
    await refused(await act({ host: 'localhost:8080', origin: 'https://localhost:8080' }, local))
    // A Host header naming the attacker's origin does not make it this server's.
    await refused(await act({ host: 'evil.example', origin: 'http://evil.example' }, local))
  })

  it('reads (GET, HEAD) may come from anywhere: a link in an email opens the desk', async () => {
    for (const method of ['GET', 'HEAD']) {
      const res = await t.app.request('/api/mod/queue', { method, headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })
      expect(res.status, method).toBe(200)
    }
  })
})
