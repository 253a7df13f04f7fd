import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { newFirstAdminSetup, type FirstAdminSetup } from '../../src/auth/setup.service.js'
import { firstAdminHint } from '../../src/cli/commands.js'
import { createUser } from '../../src/auth/user.service.js'
import { createTestContext, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { sessionCookieFrom } from '../helpers/mod.js'

/**
 * The first admin in the browser: `/mod/setup?token=…`, the one-time link `npm start` prints
 * while no admin exists (so nobody on embedded PGlite needs a second process on the database).
 */
let t: TestContext
let setup: FirstAdminSetup
let token: string

const SAME = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }
const formPost = (path: string, fields: Record<string, string>, headers: Record<string, string> = SAME) =>
  t.request('POST', path, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } })
const users = () => t.deps.db.selectFrom('users').select(['email', 'global_role']).execute()
const good = () => ({ token, email: 'Chief@Newsroom.example', password: 'a-long-password-1', confirm: 'a-long-password-1' })

beforeAll(async () => {
  setup = newFirstAdminSetup()
  t = await createTestContext({ deps: { firstAdminSetup: setup } })
})
afterAll(() => t.close())
// Each test starts as a fresh install: no users, a new live link (the app holds this same object).
beforeEach(async () => {
  await t.deps.db.deleteFrom('sessions').execute()
  await t.deps.db.deleteFrom('users').execute()
  token = setup.token = newFirstAdminSetup().token!
})

describe('the first-admin setup page', () => {
  it('shows a labelled form for the right token, and the start-up message carries its link', async () => {
    const res = await t.request('GET', `/mod/setup?token=${token}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const html = await res.text()
    expect(html).toContain('<h1>Create the first admin</h1>')
    expect(html).toMatch(/<label for="email">/)
    expect(html).toMatch(/<label for="password">/)
    expect(html).toMatch(/<label for="confirm">/)
    expect(html).toContain(`name="token" value="${token}"`)
    const hint = await firstAdminHint(t.deps, { embedded: true })
    expect(hint).toContain(`${PUBLIC_URL}/mod/setup?token=${token}`)
    expect(hint).toContain('Or stop the server')
  })

  it('refuses a missing or wrong token with a clear 403 page, and creates nothing', async () => {
    for (const path of ['/mod/setup', '/mod/setup?token=', `/mod/setup?token=${token}x`, `/mod/setup?token=${token.slice(1)}`]) {
      const res = await t.request('GET', path)
      expect(res.status, path).toBe(403)
      expect(await res.text()).toContain('This setup link does not work')
    }
    const post = await formPost('/mod/setup', { ...good(), token: 'guessed' })
    expect(post.status).toBe(403)
    expect(post.headers.getSetCookie().some((c) => c.startsWith('parley_session='))).toBe(false)
    expect(await users()).toEqual([])
  })

  it('is 403 when the server holds no live link (spent, or never made: a Worker, an admin at start)', async () => {
    setup.token = null
    expect((await t.request('GET', `/mod/setup?token=${token}`)).status).toBe(403)
    expect((await t.request('GET', '/mod/setup?token=')).status).toBe(403)
    expect((await formPost('/mod/setup', good())).status).toBe(403)
    expect(await users()).toEqual([])
  })

  it('creates an admin of every site, signs them in and sends them to the desk', async () => {
    const res = await formPost('/mod/setup', good())
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/mod/queue')
    expect(await users()).toEqual([{ email: 'chief@newsroom.example', global_role: 'admin' }])
    const cookie = sessionCookieFrom(res)
    const desk = await t.request('GET', '/mod/queue', { headers: { cookie } })
    expect(desk.status).toBe(200)
    const me = await t.request('GET', '/api/auth/me', { headers: { cookie } })
    expect((await me.json()).user).toMatchObject({ email: 'chief@newsroom.example', role: 'admin', sites: null })
    // Signing in with the chosen password works too.
    const login = await t.request('POST', '/api/auth/login', { json: { email: 'chief@newsroom.example', password: 'a-long-password-1' } })
    expect(login.status).toBe(200)
    expect(await firstAdminHint(t.deps, { embedded: true })).toBeNull()
  })

  it('works once: the used link is refused, and so is a second admin through it', async () => {
    expect((await formPost('/mod/setup', good())).status).toBe(303)
    const again = await formPost('/mod/setup', { ...good(), email: 'second@newsroom.example' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('already has an admin')
    expect((await t.request('GET', `/mod/setup?token=${token}`)).status).toBe(409)
    expect(setup.token).toBeNull()
    expect((await users()).map((u) => u.email)).toEqual(['chief@newsroom.example'])
  })

  it('two submissions at once make one admin', async () => {
    const [a, b] = await Promise.all([formPost('/mod/setup', good()), formPost('/mod/setup', { ...good(), email: 'racer@newsroom.example' })])
    expect([a.status, b.status].sort()).toEqual([303, 403])
    expect(await users()).toHaveLength(1)
  })

  it('is refused (409, with a sign-in link) once any admin exists, even with the live token', async () => {
    await createUser(t.deps.db, t.deps.passwords, { email: 'cli@newsroom.example', password: 'made-by-the-cli', role: 'admin', sites: null }, t.clock.now())
    const page = await t.request('GET', `/mod/setup?token=${token}`)
    expect(page.status).toBe(409)
    const html = await page.text()
    expect(html).toContain('Parley already has an admin')
    expect(html).toContain('href="/mod/login"')
    expect((await formPost('/mod/setup', good())).status).toBe(409)
    expect((await users()).map((u) => u.email)).toEqual(['cli@newsroom.example'])
  })

  it('shows clear errors next to the fields (400) and keeps the link usable', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ email: '' }, 'email-err', /Enter your email address/],
      [{ email: 'not-an-address' }, 'email-err', /The email must be a valid email address/],
      [{ password: 'short', confirm: 'short' }, 'password-err', /The password must be at least 10 characters/],
      [{ confirm: 'something-else-entirely' }, 'confirm-err', /The two passwords are not the same/],
    ]
    for (const [over, id, message] of cases) {
      const res = await formPost('/mod/setup', { ...good(), ...over })
      expect(res.status).toBe(400)
      const html = await res.text()
      expect(html).toContain('role="alert"')
      expect(html).toMatch(new RegExp(`<p class="err" id="${id}">[^<]*${message.source}`))
      expect(html).toContain('aria-invalid="true"')
      expect(html).not.toContain('a-long-password-1')
    }
    expect(await users()).toEqual([])
    expect((await formPost('/mod/setup', good())).status).toBe(303)
  })

  it('follows the same-origin rule of every desk form: a cross-site post is 403 and creates nothing', async () => {
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'https://news.example', 'sec-fetch-site': 'same-site' }]
    for (const headers of attempts) {
      const res = await formPost('/mod/setup', good(), headers)
      expect(res.status).toBe(403)
      expect(res.headers.get('content-type')).toContain('text/html')
    }
    expect(await users()).toEqual([])
    expect(setup.token).toBe(token)
  })

  it('never puts the password in the log', async () => {
    await formPost('/mod/setup', good())
    expect(t.logLines.join('\n')).not.toContain('a-long-password-1')
    expect(t.logLines.join('\n')).toContain('first admin created with the setup link')
  })
})
