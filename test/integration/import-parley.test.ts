import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { cli, countRows, fixture, tempFile } from '../helpers/imports.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let a: TestContext
let b: TestContext
let adminA: SignedIn
let adminB: SignedIn
let exported = ''

const SETTINGS = { maxDepth: 3, moderationMode: 'trusted' as const, maxLinks: 2, editWindowSeconds: 600 }

beforeAll(async () => {
  a = await createTestContext({ settings: SETTINGS })
  // A fresh database with an empty site of the same id and default settings.
  b = await createTestContext()
  adminA = await signIn(a)
  adminB = await signIn(b)

  // Site A: imported history, comments posted here, reports, edits, deletions, bans, authors.
  expect((await cli(a.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'news'])).code).toBe(0)
  expect((await cli(a.deps, ['import', 'disqus', fixture('disqus.xml'), '--site', 'news'])).code).toBe(0)
  await adminA.request('POST', '/api/mod/sites/news/authors', { json: { handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley@newsroom.example', notify: false } })
  const post = async (body: Record<string, unknown>) => {
    a.clock.advanceSeconds(30)
    const res = await a.request('POST', '/api/comments', { json: body })
    return (await res.json()) as any
  }
  const top = await post(newComment({ uri: '/2014/test', name: 'Zoë Ångström 🎉', email: 'zoe@example.org', body: 'Back again, **bold** and a [link](https://example.org).' }))
  const held = await post(newComment({ uri: '/2026/new', author: 'ashley-davis', title: 'A new article', body: 'Two links https://a.example https://b.example' }))
  expect(held.comment.status).toBe('pending')
  const edited = await post(newComment({ uri: '/2014/test', name: 'Zoë Ångström 🎉', email: 'zoe@example.org', parentId: top.comment.id, body: 'First version' }))
  a.clock.advanceSeconds(10)
  await a.request('PATCH', `/api/comments/${edited.comment.id}`, { json: { body: 'Second version' }, headers: { authorization: `Bearer ${edited.editToken}` } })
  const gone = await post(newComment({ uri: '/2014/test', name: 'Zoë Ångström 🎉', email: 'zoe@example.org', body: 'I will delete this' }))
  await post(newComment({ uri: '/2014/test', name: 'Zoë Ångström 🎉', email: 'zoe@example.org', parentId: gone.comment.id, body: 'A reply that keeps the tombstone' }))
  await a.request('DELETE', `/api/comments/${gone.comment.id}`, { headers: { authorization: `Bearer ${gone.editToken}` } })
  await a.request('POST', `/api/comments/${top.comment.id}/report`, { json: { reason: 'offensive', details: 'Rude' } })
  await a.request('GET', '/api/comments?site=news&uri=/2026/titled-only&title=Only%20a%20title')
  await adminA.request('POST', '/api/mod/bans', { json: { site: 'news', email: 'pills@spam.example', reason: 'Spammer' } })
  await adminA.request('PATCH', '/api/mod/sites/news/settings', { json: { closeAfterDays: 36500 } })
})
afterAll(async () => {
  await a?.close()
  await b?.close()
})

/** Ids and avatar URLs may differ between two installations; everything else must not. */
function normalise(json: string): string {
  const ids = new Map<string, string>()
  return json
    .replace(/"(id|parentId)":"([a-z0-9]+)"/g, (_m, k, v) => {
      if (!ids.has(v)) ids.set(v, `#${ids.size}`)
      return `"${k}":"${ids.get(v)}"`
    })
    .replace(/"avatar":"[^"]*"/g, '"avatar":"…"')
}

async function threadUris(admin: SignedIn): Promise<string[]> {
  const r = (await (await admin.request('GET', '/api/mod/threads?site=news&limit=200')).json()) as any
  return r.items.map((t: any) => t.uri).sort()
}

describe('export and import parley', () => {
  it('exports NDJSON and says on stderr that it holds personal data', async () => {
    const r = await cli(a.deps, ['export', '--site', 'news'])
    expect(r.code).toBe(0)
    expect(r.err.join('\n')).toMatch(/personal data/)
    exported = r.written
    const lines = exported.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ format: 'parley-export', version: 1, site: { id: 'news', settings: { maxDepth: 3 } } })
    expect(lines.at(-1)).toMatchObject({ type: 'end' })
    const types = new Set(lines.slice(1).map((l) => l.type))
    expect([...types].sort()).toEqual(['author', 'ban', 'comment', 'end', 'thread'])
    expect(lines.filter((l) => l.type === 'comment').map((l) => l.status).sort()).toEqual(expect.arrayContaining(['approved', 'deleted', 'pending', 'rejected', 'spam']))
    // Nothing in it that should not be there: no session, no password hash, no edit token.
    expect(exported).not.toMatch(/password|edit_token|editToken|session/i)
  })

  it('imports into an empty site of a fresh database: the same public threads, byte for byte but ids and avatars', async () => {
    const dry = await cli(b.deps, ['import', 'parley', tempFile('site.ndjson', exported), '--site', 'news', '--dry-run', '--json'])
    expect(dry.code).toBe(0)
    expect(await countRows(b.deps, 'comments')).toBe(0)
    const r = await cli(b.deps, ['import', 'parley', tempFile('site.ndjson', exported), '--site', 'news', '--json'])
    expect(r.code).toBe(0)
    const total = exported.split('\n').filter((l) => l.includes('"type":"comment"')).length
    expect(r.json().comments).toBe(total)
    expect(dry.json()).toEqual({ ...r.json(), seconds: expect.any(Number) })

    const uris = await threadUris(adminA)
    expect(await threadUris(adminB)).toEqual(uris)
    expect(uris.length).toBeGreaterThan(5)
    for (const uri of uris) {
      for (const q of ['', '&sort=newest', '&limit=1']) {
        const path = `/api/comments?site=news&uri=${encodeURIComponent(uri)}${q}`
        const [ra, rb] = await Promise.all([a.request('GET', path), b.request('GET', path)])
        expect(rb.status).toBe(200)
        expect(normalise(await rb.text())).toBe(normalise(await ra.text()))
      }
    }
    const counts = `/api/counts?site=news&${uris.map((u) => `uri=${encodeURIComponent(u)}`).join('&')}`
    expect(await (await b.request('GET', counts)).text()).toBe(await (await a.request('GET', counts)).text())
  })

  it('gives the same moderator queues: statuses, emails, IP keys, reasons, reports, author history', async () => {
    for (const queue of ['pending', 'reported', 'approved', 'rejected', 'spam']) {
      const path = `/api/mod/queue?site=news&queue=${queue}&limit=100`
      const [qa, qb] = await Promise.all([adminA.request('GET', path), adminB.request('GET', path)])
      const ja = (await qa.json()) as any
      const jb = (await qb.json()) as any
      const strip = (items: any[]) => normalise(JSON.stringify(items.map(({ thread, ...rest }) => ({ ...rest, thread: { uri: thread.uri, title: thread.title } }))))
      expect(strip(jb.items)).toBe(strip(ja.items))
      expect(jb.counts).toEqual(ja.counts)
    }
    const bans = (await (await adminB.request('GET', '/api/mod/bans?site=news')).json()) as any
    expect(bans.items).toHaveLength(1)
    expect(bans.items[0]).toMatchObject({ email: 'pills@spam.example', reason: 'Spammer', active: true })
    const authors = (await (await adminB.request('GET', '/api/mod/sites/news/authors')).json()) as any
    expect(authors.items.map((x: any) => x.handle)).toEqual(['ashley-davis'])
  })

  it('adds nothing the second time, and a file cut short writes nothing', async () => {
    const before = await countRows(b.deps, 'comments')
    const again = await cli(b.deps, ['import', 'parley', tempFile('site.ndjson', exported), '--site', 'news', '--json'])
    expect(again.json()).toMatchObject({ comments: 0, threads: 0, skipped: { alreadyImported: before } })
    const lines = exported.split('\n')
    const atLine = lines.slice(0, lines.length - 2).join('\n') + '\n' // the end line is missing
    const midLine = exported.slice(0, Math.floor(exported.length / 2))
    for (const cut of [atLine, midLine]) {
      const c = await cli(a.deps, ['import', 'parley', tempFile('cut.ndjson', cut), '--site', 'fresh-parley'])
      expect(c.code).toBe(1) // unknown site
    }
    await adminA.request('GET', '/api/auth/me')
    const { addSite } = await import('../../src/sites/site.service.js')
    await addSite(a.deps.db, { id: 'copy', origins: [] }, a.clock.now())
    const comments = await countRows(a.deps, 'comments')
    const r1 = await cli(a.deps, ['import', 'parley', tempFile('cut.ndjson', atLine), '--site', 'copy'])
    expect(r1.code).toBe(1)
    expect(r1.err[0]).toMatch(/line \d+, column 1: the file ends early/)
    const r2 = await cli(a.deps, ['import', 'parley', tempFile('cut.ndjson', midLine), '--site', 'copy'])
    expect(r2.code).toBe(1)
    expect(r2.err[0]).toMatch(/line \d+, column \d+: /)
    expect(await countRows(a.deps, 'comments')).toBe(comments)
    const wrong = await cli(a.deps, ['import', 'parley', fixture('wordpress.xml'), '--site', 'copy'])
    expect(wrong.err[0]).toMatch(/line 1, column \d+/)
  })
})
