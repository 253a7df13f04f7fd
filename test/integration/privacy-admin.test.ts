import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processIo, runCli } from '../../src/cli/commands.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, PUBLIC_URL, type TestContext } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/mod.js'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let t: TestContext
let admin: SignedIn
let moderator: SignedIn
let otherAdmin: SignedIn

const READER = { email: 'Rita.Reader@Example.org', name: 'Rita Reader' }
const SAME = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }
const formPost = (who: SignedIn, path: string, fields: Record<string, string>) =>
  t.request('POST', path, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookie, ...SAME } })

async function post(over: Record<string, unknown>) {
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: newComment(over) })
  expect([201, 202]).toContain(res.status)
  return ((await res.json()) as any).comment.id as string
}

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
  await addSite(t.testDb.db, { id: 'other', name: 'Other', origins: [] }, t.clock.now())
  admin = await signIn(t, { role: 'admin', sites: ['news'] })
  moderator = await signIn(t, { role: 'moderator', sites: ['news'] })
  otherAdmin = await signIn(t, { role: 'admin', sites: ['other'] })
})
afterAll(() => t.close())

describe('the moderator privacy API', { timeout: 90_000 }, () => {
  it('is for admins of the site: 401 without a session, 403 for moderators and other sites’ admins', async () => {
    await post({ email: READER.email, name: READER.name, body: 'Rita one' })
    const q = `/api/mod/privacy?site=news&email=${encodeURIComponent(READER.email)}`
    expect((await t.request('GET', q)).status).toBe(401)
    for (const who of [moderator, otherAdmin]) {
      expect((await who.request('GET', q)).status).toBe(403)
      expect((await who.request('POST', '/api/mod/privacy/erase', { json: { site: 'news', email: READER.email } })).status).toBe(403)
    }
    const bad = await admin.request('GET', '/api/mod/privacy?site=news&email=nope')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as any).error.fields).toEqual([{ path: 'email', message: 'must be a valid email address' }])
    expect((await admin.request('GET', `/api/mod/privacy?site=nosuch&email=a%40b.org`)).status).toBe(403)

    const res = await admin.request('GET', q)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const data = (await res.json()) as any
    expect(data).toMatchObject({ site: 'news', email: READER.email, subscriptions: [] })
    expect(data.comments.map((c: any) => c.body)).toEqual(['Rita one'])
    // Audited: who looked, and at which key, never the address.
    const audit = ((await (await admin.request('GET', '/api/mod/audit?site=news')).json()) as any).items
    const looked = audit.find((a: any) => a.action === 'privacy_export')
    expect(looked).toMatchObject({ actor: { id: admin.id }, details: { emailKey: await t.deps.keys.emailKey(READER.email), comments: 1 } })
    expect(JSON.stringify(looked).toLowerCase()).not.toContain('rita')
  })
})

describe('the desk Privacy page', { timeout: 90_000 }, () => {
  it('is in the nav for admins only; moderators get a 403 page', async () => {
    expect(await (await admin.request('GET', '/mod/queue')).text()).toContain('href="/mod/privacy"')
    expect(await (await moderator.request('GET', '/mod/queue')).text()).not.toContain('href="/mod/privacy"')
    const page = await moderator.request('GET', '/mod/privacy')
    expect(page.status).toBe(403)
    expect((await formPost(moderator, '/mod/privacy/erase', { site: 'news', email: READER.email, confirm: 'yes' })).status).toBe(403)
    const mine = await admin.request('GET', '/mod/privacy')
    expect(mine.status).toBe(200)
    const html = await mine.text()
    expect(html).toContain('<h1>Privacy requests</h1>')
    expect(html).toContain('<label for="p-email">Email address</label>')
    expect(html).toContain('method="post" action="/mod/privacy"')
  })

  it('looks an address up (by form post, never in a URL), downloads it, and erases after a confirmation', async () => {
    const parent = await post({ email: READER.email, name: READER.name, body: 'Rita two, replied to' })
    await post({ email: 'someone@example.net', name: 'Someone', parentId: parent, body: 'Someone answers Rita' })
    const lookup = await formPost(admin, '/mod/privacy', { site: 'news', email: READER.email.toLowerCase() })
    expect(lookup.status).toBe(200)
    const html = await lookup.text()
    expect(html).toContain('holds 2 comments and 0 subscriptions')
    expect(html).toContain('Rita two, replied to')
    expect(html).not.toContain('Someone answers Rita')
    expect(html).toContain('Erase everything…')

    const file = await formPost(admin, '/mod/privacy/download', { site: 'news', email: READER.email })
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="news-privacy-export.json"')
    expect(((await file.json()) as any).comments).toHaveLength(2)

    const ask = await formPost(admin, '/mod/privacy/erase', { site: 'news', email: READER.email })
    expect(await ask.text()).toContain('Yes, erase everything')
    expect(await t.deps.db.selectFrom('comments').select('id').where('author_name', '=', READER.name).execute()).toHaveLength(2)
    const done = await formPost(admin, '/mod/privacy/erase', { site: 'news', email: READER.email, confirm: 'yes' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Erased 2 comments (1 kept as empty placeholders above others’ replies)')
    expect(await t.deps.db.selectFrom('comments').select('id').where('author_name', '=', READER.name).execute()).toEqual([])
    const invalid = await formPost(admin, '/mod/privacy', { site: 'news', email: 'not an address' })
    expect(invalid.status).toBe(400)
    expect(await invalid.text()).toContain('aria-invalid="true"')
  })

  it('shows the retention settings with their defaults and saves them', async () => {
    expect(await (await admin.request('GET', '/api/mod/sites/news/settings')).json()).toMatchObject({ spamRetentionDays: 30, rejectedRetentionDays: 90, ipRetentionDays: 90 })
    const page = await (await admin.request('GET', '/mod/sites/news/settings')).text()
    expect(page).toContain('<legend>Retention (days; 0 keeps forever)</legend>')
    expect(page).toMatch(/id="s-spamRetentionDays" name="spamRetentionDays" value="30"/)
    const bad = await formPost(admin, '/mod/sites/news/settings', { moderationMode: 'post', spamRetentionDays: '-1', requireNameEmail: '1' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('id="s-spamRetentionDays-err"')
    const ok = await formPost(admin, '/mod/sites/news/settings', { moderationMode: 'post', spamRetentionDays: '7', rejectedRetentionDays: '0', ipRetentionDays: '30', requireNameEmail: '1', notifyModerators: '1', replyNotifications: '1' })
    expect(ok.status).toBe(303)
    expect(await (await admin.request('GET', '/api/mod/sites/news/settings')).json()).toMatchObject({ spamRetentionDays: 7, rejectedRetentionDays: 0, ipRetentionDays: 30 })
    const patch = await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { ipRetentionDays: 'forever' } })
    expect(patch.status).toBe(400)
  })
})

describe('the CLI', { timeout: 90_000 }, () => {
  it('privacy export prints or writes the JSON; privacy erase asks first unless --yes', async () => {
    const email = 'cli.reader@example.org'
    await post({ email, name: 'Cli Reader', body: 'from the command line' })
    const lines: string[] = []
    const out = (l: string) => lines.push(l)
    expect(await runCli(['privacy', 'export', '--site', 'news', '--email', email], t.deps, out)).toBe(0)
    expect(JSON.parse(lines.join('\n')).comments.map((c: any) => c.body)).toEqual(['from the command line'])
    const file = join(mkdtempSync(join(tmpdir(), 'parley-privacy-')), 'out.json')
    lines.length = 0
    expect(await runCli(['privacy', 'export', '--site', 'news', '--email', email, '--out', file], t.deps, out)).toBe(0)
    expect(lines).toEqual([`Wrote 1 comment and 0 subscriptions to ${file}.`])
    expect(JSON.parse(readFileSync(file, 'utf8')).email).toBe(email)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    lines.length = 0
    expect(await runCli(['privacy', 'erase', '--site', 'news', '--email', email], t.deps, out, { ...processIo, ask: async () => false })).toBe(1)
    expect(lines.join('\n')).toContain('Nothing erased (1 comment and 0 subscriptions held)')
    expect(await t.deps.db.selectFrom('comments').select('id').where('author_name', '=', 'Cli Reader').execute()).toHaveLength(1)
    lines.length = 0
    expect(await runCli(['privacy', 'erase', '--site', 'news', '--email', email, '--yes'], t.deps, out)).toBe(0)
    expect(lines).toEqual(["Erased 1 comment on news (0 kept as empty placeholders above others' replies); subscriptions and emails removed."])
    expect(await t.deps.db.selectFrom('comments').select('id').where('author_name', '=', 'Cli Reader').execute()).toEqual([])
    lines.length = 0
    expect(await runCli(['privacy', 'erase', '--site', 'nosuch', '--email', email, '--yes'], t.deps, out)).toBe(1)
    expect(await runCli(['privacy', 'export', '--site', 'news', '--email', 'bad'], t.deps, out)).toBe(1)
    expect(lines.join('\n')).toContain('Error: No site "nosuch".')
  })
})
