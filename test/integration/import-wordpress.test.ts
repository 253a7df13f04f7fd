import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProgressBar } from '../../src/imports/summary.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { cli, countRows, everyRowAsText, fixture, readFixture, tempFile } from '../helpers/imports.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
beforeAll(async () => {
  t = await createTestContext({ settings: { maxDepth: 3, moderationMode: 'trusted' } })
  admin = await signIn(t)
})
afterAll(() => t?.close())

const EXPECTED = {
  threads: 3,
  comments: 11,
  byStatus: { approved: 7, pending: 1, spam: 1, rejected: 2, deleted: 0 },
  skipped: { pingback: 1, trackback: 1, orphan: 0, alreadyImported: 0, invalid: 3 },
}

const read = async (uri: string) => (await (await t.request('GET', `/api/comments?site=news&uri=${encodeURIComponent(uri)}`)).json()) as any
const queue = async (q: string) => (await (await admin.request('GET', `/api/mod/queue?site=news&queue=${q}&limit=100`)).json()) as any

describe('import wordpress (CLI)', () => {
  it('--dry-run prints the same summary and writes nothing', async () => {
    const r = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'news', '--dry-run', '--json'])
    expect(r.code).toBe(0)
    expect(r.json()).toEqual({ ...EXPECTED, seconds: expect.any(Number) })
    expect(Object.keys(r.json())).toEqual(['threads', 'comments', 'byStatus', 'skipped', 'seconds'])
    expect(await countRows(t.deps, 'comments')).toBe(0)
    expect(await countRows(t.deps, 'threads')).toBe(0)
    expect(await countRows(t.deps, 'moderation_actions')).toBe(0)
  })

  it('imports posts and pages: statuses from the source, types skipped and counted, one audit entry', async () => {
    const r = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'news', '--json'])
    expect(r.code).toBe(0)
    expect(r.json()).toEqual({ ...EXPECTED, seconds: expect.any(Number) })
    expect(r.progress).toEqual([]) // not a terminal: no progress bar
    const audit = (await (await admin.request('GET', '/api/mod/audit?site=news')).json()) as any
    const imports = audit.items.filter((i: any) => i.action === 'import')
    expect(imports).toHaveLength(1)
    expect(imports[0]).toMatchObject({ actor: null, commentId: null, details: { format: 'wordpress', source: 'wordpress:https://news.example', comments: 11 } })
    expect(audit.items).toHaveLength(1) // not one entry per comment
  })

  it('shows readers the approved comments in WordPress order, nested, with replies past maxDepth and missing parents placed', async () => {
    const body = await read('https://news.example/2014/test/')
    expect(body.thread).toEqual({ uri: '/2014/test', title: 'Test & learn: the 2014 test', commentCount: 5, closed: false })
    expect(body.comments.map((c: any) => [c.author.name, c.depth])).toEqual([
      ['Zoë Ångström 🎉', 0],
      ['Reply One', 1],
      ['Reply Two', 2],
      ['Reply Three', 2], // its parent is at the deepest level (maxDepth 3): it joins that level
      ['Lost Reply', 0], // parent 999 is not in the file
    ])
    const [zoe, one, two, three] = body.comments
    expect(one.parentId).toBe(zoe.id)
    expect(two.parentId).toBe(one.id)
    expect(three.parentId).toBe(one.id)
    expect(zoe.createdAt).toBe('2014-01-06T11:00:00.000Z')
    expect(zoe.author.url).toBe('https://zoe.example/')
    expect(zoe.editedAt).toBeNull()
  })

  it('keeps WordPress line breaks and allowed tags, and removes scripts, handlers and javascript: links', async () => {
    const zoe = (await read('/2014/test')).comments[0]
    expect(zoe.html).toBe(
      '<p>First paragraph, line one<br />\nline two with <strong>bold</strong> &amp; an emoji 🧪 and “quotes”.</p>\n' +
        '<p>Second paragraph with <a href="https://example.org/" rel="nofollow ugc noopener">a link</a>, <a rel="nofollow ugc noopener">a trap</a> and an image.<br />\n' +
        'kept text and a code sample: <code>a ]]&gt; b</code></p>',
    )
    for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', 'alert', '<img', '<span']) expect(zoe.html).not.toContain(bad)
    const page = await read('/?page_id=9')
    expect(page.comments[0].html).toBe('<p>Nice page &lt;3 &amp; é stays as written</p>')
  })

  it('keys ?p= and ?page_id= permalinks as their own threads and closes a closed post', async () => {
    const closed = await read('/?p=42')
    expect(closed.thread).toMatchObject({ uri: '/?p=42', title: 'Plain permalink post', commentCount: 1, closed: true })
    expect((await read('/')).comments).toEqual([])
    const counts = await (await t.request('GET', '/api/counts?site=news&uri=/2014/test&uri=/%3Fp%3D42&uri=/%3Fpage_id%3D9&uri=/2016/quiet')).json()
    expect(counts.counts.map((c: any) => c.count)).toEqual([5, 1, 1, 0])
    const res = await t.request('POST', '/api/comments', { json: newComment({ uri: '/?p=42' }) })
    expect(res.status).toBe(403)
  })

  it('gives moderators the held, spam and trashed comments with their private emails (trimmed) and IP keys', async () => {
    const pending = await queue('pending')
    expect(pending.items.map((c: any) => c.author.name)).toEqual(['Held Author'])
    // An empty comment_date_gmt falls back to comment_date, read as UTC.
    expect(pending.items[0]).toMatchObject({ email: 'held@example.org', createdAt: '2014-01-07T09:00:00.000Z', status: 'pending' })
    expect(pending.items[0].reasons[0].phase).toBe('import')
    expect(pending.counts).toMatchObject({ pending: 1, spam: 1, rejected: 2, approved: 7 })
    const spam = await queue('spam')
    expect(spam.items[0]).toMatchObject({ email: 'pills@spam.example', ipHash: expect.stringMatching(/^[0-9a-f]{40}$/) })
    expect((await queue('rejected')).items.map((c: any) => c.author.name).sort()).toEqual(['Post Trashed', 'Trashed'])
    const approved = await queue('approved')
    const zoe = approved.items.find((c: any) => c.author.name === 'Zoë Ångström 🎉' && c.thread.uri === '/2014/test')
    expect(zoe.email).toBe('Zoe@Example.ORG')
    expect(zoe.authorHistory).toMatchObject({ approved: 2 }) // both her comments, whatever the case of the address
    const ipv4 = approved.items.filter((c: any) => c.author.name === 'Zoë Ångström 🎉').map((c: any) => c.ipHash)
    expect(new Set(ipv4).size).toBe(1) // the same IP in two posts: the same key
  })

  it('trusts an imported author with an approved comment when they post again, as WordPress does', async () => {
    const back = await t.request('POST', '/api/comments', { json: newComment({ uri: '/2014/test', name: 'Zoë Ångström 🎉', email: 'zoe@example.org', body: 'I am back.' }) })
    expect(back.status).toBe(201)
    const stranger = await t.request('POST', '/api/comments', { json: newComment({ uri: '/2014/test', body: 'First time here.' }) })
    expect(stranger.status).toBe(202)
  })

  it('never shows an imported email to the public', async () => {
    let publicText = ''
    for (const uri of ['/2014/test', '/?p=42', '/?page_id=9', '/'])
      publicText += await (await t.request('GET', `/api/comments?site=news&uri=${encodeURIComponent(uri)}`)).text()
    publicText += await (await t.request('GET', '/api/counts?site=news&uri=/2014/test')).text()
    expect(publicText).toContain('Zoë Ångström 🎉')
    for (const email of ['zoe@example.org', 'one@example.org', 'held@example.org', 'pills@spam.example']) expect(publicText.toLowerCase()).not.toContain(email)
  })

  it('never stores a raw IP address', async () => {
    const all = (await everyRowAsText(t.deps)).toLowerCase()
    for (const ip of ['203.0.113.7', '203.0.113.8', '203.0.113.9', '198.51.100.66', '2001:db8::1']) expect(all).not.toContain(ip)
  })

  it('adds nothing when the same file is imported again', async () => {
    const before = await countRows(t.deps, 'comments')
    const r = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'news', '--json'])
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({
      threads: 0,
      comments: 0,
      byStatus: { approved: 0, pending: 0, spam: 0, rejected: 0, deleted: 0 },
      skipped: { pingback: 1, trackback: 1, orphan: 0, alreadyImported: 11, invalid: 3 },
    })
    expect(await countRows(t.deps, 'comments')).toBe(before)
  })

  it('merges a second file: new comments join, replies to already imported comments find their parent', async () => {
    const xml = readFixture('wordpress.xml').replace(/<wp:comment_id>(\d+)<\/wp:comment_id>/g, (_m, id) => `<wp:comment_id>${id === '11' ? '11' : `5${id}`}</wp:comment_id>`)
    const extra = xml.replace('<wp:comment_parent>11</wp:comment_parent>', '<wp:comment_parent>11</wp:comment_parent>')
    const r = await cli(t.deps, ['import', 'wordpress', tempFile('more.xml', extra), '--site', 'news', '--json'])
    expect(r.code).toBe(0)
    // Comment 11 is already there; 5012 (its reply) hangs under the existing 11.
    expect(r.json().skipped.alreadyImported).toBe(1)
    expect(r.json().comments).toBe(10)
    const thread = await read('/2014/test')
    const one = thread.comments.find((c: any) => c.author.name === 'Reply One')
    expect(thread.comments.filter((c: any) => c.author.name === 'Reply Two').every((c: any) => c.parentId === one.id)).toBe(true)
  })
})

describe('a bad file writes nothing', () => {
  it('stops a truncated file with one line naming the line and column, exit code 1', async () => {
    const xml = readFixture('wordpress.xml')
    const cut = tempFile('cut.xml', xml.slice(0, Math.floor(xml.length * 0.6)))
    const comments = await countRows(t.deps, 'comments')
    const threads = await countRows(t.deps, 'threads')
    const audit = await countRows(t.deps, 'moderation_actions')
    await addSite(t.deps.db, { id: 'fresh', origins: [] }, t.clock.now())
    const r = await cli(t.deps, ['import', 'wordpress', cut, '--site', 'fresh', '--json'])
    expect(r.code).toBe(1)
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(/^Error: .*cut\.xml: line \d+, column \d+: .+\. Nothing was imported\.$/)
    expect(r.out).toEqual([])
    expect(await countRows(t.deps, 'comments')).toBe(comments)
    expect(await countRows(t.deps, 'threads')).toBe(threads)
    expect(await countRows(t.deps, 'moderation_actions')).toBe(audit)
  })

  it('refuses malformed XML and a file of another format with their position', async () => {
    const broken = tempFile('broken.xml', readFixture('wordpress.xml').replace('<wp:comment_parent>10</wp:comment_parent>', '<wp:comment_parent>10</wp:comment_parnet>'))
    const r = await cli(t.deps, ['import', 'wordpress', broken, '--site', 'fresh'])
    expect(r.code).toBe(1)
    expect(r.err[0]).toMatch(/line \d+, column \d+/)
    const other = await cli(t.deps, ['import', 'wordpress', fixture('disqus.xml'), '--site', 'fresh'])
    expect(other.code).toBe(1)
    expect(other.err[0]).toMatch(/line 2, column \d+: this is not a WordPress export/)
    const empty = await cli(t.deps, ['import', 'wordpress', tempFile('empty.xml', ''), '--site', 'fresh'])
    expect(empty.code).toBe(1)
    expect(await countRows(t.deps, 'comments')).toBe(await countRows(t.deps, 'comments'))
    const missing = await cli(t.deps, ['import', 'wordpress', '/nonexistent/file.xml', '--site', 'fresh'])
    expect(missing.code).toBe(1)
    const noSite = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'nope'])
    expect(noSite.code).toBe(1)
  })
})

describe('--url-map and the readable summary', () => {
  it('moves threads by an old,new CSV and says how many it moved', async () => {
    await addSite(t.deps.db, { id: 'mapped', origins: [] }, t.clock.now())
    const map = tempFile('map.csv', 'old,new\nhttps://news.example/2014/test/,/2014/01/test\n"/?p=42","/archive/42"\n')
    const r = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'mapped', '--url-map', map])
    expect(r.code).toBe(0)
    const text = r.out.join('\n')
    expect(text).toContain('threads:  3 (the URL map moved 2)')
    expect(text).toContain('comments: 11 — approved 7, pending 1, spam 1, rejected 2, deleted 0')
    expect(text).toContain('skipped:  pingback 1, trackback 1, orphan 0, already imported 0, invalid 3')
    expect(text).toMatch(/line \d+, id 21: comment type "webmention" is not imported/)
    expect(text).toMatch(/line \d+, id 22: no content/)
    expect(text).toMatch(/line \d+, id 23: the date "not a date" does not parse/)
    const moved = (await (await t.request('GET', '/api/comments?site=mapped&uri=/2014/01/test')).json()) as any
    expect(moved.comments).toHaveLength(5)
    expect(((await (await t.request('GET', '/api/comments?site=mapped&uri=/archive/42')).json()) as any).comments).toHaveLength(1)
  })

  it('draws a progress bar only on a terminal', async () => {
    await addSite(t.deps.db, { id: 'tty', origins: [] }, t.clock.now())
    const r = await cli(t.deps, ['import', 'wordpress', fixture('wordpress.xml'), '--site', 'tty', '--dry-run'], { isTTY: true })
    expect(r.code).toBe(0)
    expect(r.progress.some((l) => /\] 100%/.test(l))).toBe(true)
    expect(ProgressBar.line(50, 100, 1234, 2)).toBe('[############............]  50%  1,234 comments  0.0 MB of 0.0 MB  0.0 MB/s  ETA 0:02')
  })
})
