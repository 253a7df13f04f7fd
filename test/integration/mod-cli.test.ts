import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firstAdminHint, runCli } from '../../src/cli/commands.js'
import { createTestContext, type TestContext } from '../helpers/app.js'
import { recordPublicUrl } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

async function cli(...argv: string[]) {
  const lines: string[] = []
  const code = await runCli(argv, t.deps, (l) => lines.push(l))
  return { code, out: lines.join('\n') }
}
const login = (email: string, password: string) => t.request('POST', '/api/auth/login', { json: { email, password } })

describe('parley CLI', () => {
  it('tells how to create the first admin while there is none, then creates one with a generated password', async () => {
    expect(await firstAdminHint(t.deps, { embedded: false })).toContain('npm run parley -- admin create --email you@example.org')
    const r = await cli('admin', 'create', '--email', 'Chief@Newsroom.example')
    expect(r.code).toBe(0)
    const password = /Password \(shown once\): (\S+)/.exec(r.out)![1]!
    expect(password.length).toBeGreaterThanOrEqual(20)
    expect(await firstAdminHint(t.deps, { embedded: false })).toBeNull()
    const res = await login('chief@newsroom.example', password)
    expect(res.status).toBe(200)
    expect((await res.json()).user).toMatchObject({ role: 'admin', sites: null })
  })

  it('admin create points at the URL the server runs on, not a default localhost:3000', async () => {
    // A CLI shell without PUBLIC_URL or PORT, while the server runs elsewhere and said so at start.
    const bare = { ...t.deps, config: { ...loadConfig({ NODE_ENV: 'test' }), secret: t.deps.config.secret } }
    expect(bare.config.publicUrl).toBe('http://localhost:3000')
    await recordPublicUrl(t.deps.db, 'https://comments.newsroom.example')
    const lines: string[] = []
    expect(await runCli(['admin', 'create', '--email', 'second@newsroom.example', '--password', 'long-enough-password-1'], bare, (l) => lines.push(l))).toBe(0)
    expect(lines).toContain('Sign in at https://comments.newsroom.example/mod')
    // A PUBLIC_URL this shell has wins.
    const own = await cli('admin', 'create', '--email', 'third@newsroom.example', '--password', 'long-enough-password-1')
    expect(own.out).toContain('Sign in at http://parley.test/mod')
  })

  it('adds and lists sites', async () => {
    const r = await cli('site', 'add', 'blog', '--origin', 'https://blog.example', '--origin', 'https://www.blog.example', '--name', 'The Blog')
    expect(r.code).toBe(0)
    const list = await cli('site', 'list')
    expect(list.out).toContain('blog\tThe Blog\thttps://blog.example, https://www.blog.example')
    expect((await cli('site', 'add', 'blog')).code).toBe(1)
    const bad = await cli('site', 'add', 'Bad Id!')
    expect(bad.code).toBe(1)
  })

  it('adds moderators limited to sites, lists, resets passwords (ending sessions) and removes them', async () => {
    const add = await cli('user', 'add', '--email', 'desk@newsroom.example', '--role', 'moderator', '--sites', 'news,blog', '--password', 'first-password-1')
    expect(add.code).toBe(0)
    expect(add.out).not.toContain('Password (shown once)')
    const res = await login('desk@newsroom.example', 'first-password-1')
    // Sites are listed in order of their ids.
    expect((await res.json()).user).toMatchObject({ role: 'moderator', sites: ['blog', 'news'], globalRole: null, siteRoles: { news: 'moderator', blog: 'moderator' } })
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!
    expect((await cli('user', 'list')).out).toMatch(/desk@newsroom\.example\tmoderator\tblog,news/)

    expect((await cli('user', 'reset-password', '--email', 'desk@newsroom.example', '--password', 'second-password-2')).code).toBe(0)
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401)
    expect((await login('desk@newsroom.example', 'first-password-1')).status).toBe(401)
    const second = await login('desk@newsroom.example', 'second-password-2')
    expect(second.status).toBe(200)
    const id = (await second.json()).user.id as string
    const live = second.headers.getSetCookie()[0]!.split(';')[0]!
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie: live } })).status).toBe(200)
    expect((await t.request('GET', '/mod/queue', { headers: { cookie: live } })).status).toBe(200)

    // Removing a user ends their sessions at once: the signed-in desk and API stop working.
    expect((await cli('user', 'remove', '--email', 'desk@newsroom.example')).code).toBe(0)
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie: live } })).status).toBe(401)
    const desk = await t.request('GET', '/mod/queue', { headers: { cookie: live } })
    expect(desk.status).toBe(303)
    expect(desk.headers.get('location')).toMatch(/^\/mod\/login/)
    expect(await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', id).execute()).toEqual([])
    expect((await login('desk@newsroom.example', 'second-password-2')).status).toBe(401)
    expect((await cli('user', 'remove', '--email', 'desk@newsroom.example')).code).toBe(1)
  })

  it('gives roles per site: user add --site, user role, user remove --site, and lists them', async () => {
    const add = await cli('user', 'add', '--email', 'split@newsroom.example', '--role', 'admin', '--site', 'news', '--password', 'split-password-1')
    expect(add.code).toBe(0)
    expect(add.out).toContain('Created admin split@newsroom.example of site news.')
    // An existing user gains a role on another site; the first one is untouched.
    const more = await cli('user', 'add', '--email', 'split@newsroom.example', '--role', 'moderator', '--site', 'blog')
    expect(more.code).toBe(0)
    expect(more.out).toContain('split@newsroom.example is now moderator of blog.')
    const me = async () => (await (await login('split@newsroom.example', 'split-password-1')).json()).user
    expect(await me()).toMatchObject({ globalRole: null, siteRoles: { news: 'admin', blog: 'moderator' } })
    expect((await cli('user', 'list')).out).toMatch(/split@newsroom\.example\tper site\tblog:moderator,news:admin/)

    expect((await cli('user', 'role', '--email', 'split@newsroom.example', '--role', 'admin', '--site', 'blog')).code).toBe(0)
    expect((await cli('user', 'list')).out).toMatch(/split@newsroom\.example\tadmin\tblog,news/)
    expect((await cli('user', 'role', '--email', 'split@newsroom.example', '--role', 'moderator')).code).toBe(0)
    expect(await me()).toMatchObject({ globalRole: 'moderator', siteRoles: { news: 'admin', blog: 'admin' }, sites: null })
    expect((await cli('user', 'role', '--email', 'split@newsroom.example', '--role', 'none')).code).toBe(0)
    expect(await me()).toMatchObject({ globalRole: null })

    const rm = await cli('user', 'remove', '--email', 'split@newsroom.example', '--site', 'news')
    expect(rm.code).toBe(0)
    expect(await me()).toMatchObject({ siteRoles: { blog: 'admin' }, sites: ['blog'] })
    const audit = await t.deps.db.selectFrom('moderation_actions').selectAll().where('site_id', '=', 'news').where('action', '=', 'user_remove').executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ actor_id: null, details: { role: 'admin', via: 'cli', deleted: false } })
    expect((await cli('user', 'remove', '--email', 'split@newsroom.example', '--site', 'news')).code).toBe(1)
    expect((await cli('user', 'remove', '--email', 'split@newsroom.example', '--site', 'blog')).out).toContain('the account is gone')
    expect((await login('split@newsroom.example', 'split-password-1')).status).toBe(401)
    expect((await cli('user', 'role', '--email', 'nobody@newsroom.example', '--role', 'admin')).code).toBe(1)
    expect((await cli('user', 'role', '--email', 'chief@newsroom.example', '--role', 'boss')).code).toBe(1)
  })

  it('refuses bad input with a message and exit code 1', async () => {
    expect((await cli('user', 'add', '--email', 'x@newsroom.example', '--role', 'boss')).code).toBe(1)
    expect((await cli('user', 'add', '--email', 'x@newsroom.example', '--role', 'moderator', '--sites', 'nowhere')).out).toContain('No site "nowhere"')
    expect((await cli('user', 'add', '--email', 'x@newsroom.example', '--role', 'moderator', '--password', 'short')).out).toContain('at least 10')
    expect((await cli('admin', 'create', '--email', 'chief@newsroom.example')).out).toContain('already exists')
    expect((await cli('frobnicate')).code).toBe(1)
    expect((await cli('user', 'add', '--nonsense')).code).toBe(1)
    expect((await cli()).out).toContain('Usage')
  })

  it('registers article authors', async () => {
    const r = await cli('author', 'add', 'news', 'Ashley-Davis', '--name', 'Ashley Davis', '--email', 'ashley@newsroom.example')
    expect(r.code).toBe(0)
    const row = await t.deps.db.selectFrom('site_authors').selectAll().where('site_id', '=', 'news').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley@newsroom.example', notify: true })
    expect((await cli('author', 'add', 'news', 'quiet-one', '--name', 'Q', '--email', 'q@newsroom.example', '--no-notify')).code).toBe(0)
    expect((await cli('author', 'add', 'nowhere', 'x', '--name', 'X', '--email', 'x@newsroom.example')).code).toBe(1)
    expect((await cli('author', 'add', 'news', 'x')).code).toBe(1)
  })
})
