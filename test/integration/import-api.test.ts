import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempUploads } from '../../src/imports/uploads.node.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, type TestContext } from '../helpers/app.js'
import { countRows, readFixture } from '../helpers/imports.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

let t: TestContext
let admin: SignedIn
let moderator: SignedIn
let otherAdmin: SignedIn
beforeAll(async () => {
  t = await createTestContext({ deps: { uploads: createTempUploads() } })
  await addSite(t.deps.db, { id: 'blog', origins: [] }, t.clock.now())
  admin = await signIn(t, { role: 'admin', sites: ['news'] })
  moderator = await signIn(t, { role: 'moderator', sites: ['news'] })
  otherAdmin = await signIn(t, { role: 'admin', sites: ['blog'] })
})
afterAll(() => t?.close())

const upload = (who: SignedIn, body: string, format = 'wordpress', type = 'application/xml') =>
  t.app.request(`/api/mod/sites/news/imports?format=${format}&name=export.xml`, { method: 'POST', headers: { cookie: who.cookie, 'content-type': type }, body })

async function until(who: SignedIn, id: string, states: string[]): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const job = ((await (await who.request('GET', `/api/mod/sites/news/imports/${id}`)).json()) as any).import
    if (states.includes(job.state)) return job
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`import ${id} never reached ${states}`)
}

describe('import API (admins of the site)', () => {
  it('refuses moderators and admins of other sites with 403, and form bodies with 415', async () => {
    const xml = readFixture('wordpress.xml')
    expect((await upload(moderator, xml)).status).toBe(403)
    expect((await upload(otherAdmin, xml)).status).toBe(403)
    expect((await moderator.request('GET', '/api/mod/sites/news/export')).status).toBe(403)
    expect((await moderator.request('GET', '/api/mod/sites/news/imports')).status).toBe(403)
    const form = await upload(admin, 'a=1', 'wordpress', 'multipart/form-data; boundary=x')
    expect(form.status).toBe(415)
    expect((await form.json()).error.code).toBe('unsupported_media_type')
    const bad = await upload(admin, xml, 'blogger')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.fields[0].path).toBe('format')
    const anon = await t.app.request('/api/mod/sites/news/imports?format=wordpress', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml })
    expect(anon.status).toBe(401)
    expect(await countRows(t.deps, 'comments')).toBe(0)
  })

  it('checks an upload first (a dry run), imports it on confirm, and audits it as the admin', async () => {
    const res = await upload(admin, readFixture('wordpress.xml'))
    expect(res.status).toBe(202)
    const started = ((await res.json()) as any).import
    expect(started).toMatchObject({ site: 'news', format: 'wordpress', fileName: 'export.xml', state: 'checking' })
    const checked = await until(admin, started.id, ['checked', 'failed'])
    expect(checked.state).toBe('checked')
    expect(checked.check.summary).toMatchObject({ threads: 3, comments: 11, skipped: { invalid: 3, pingback: 1 } })
    expect(checked.check.invalidRecords).toHaveLength(3)
    expect(await countRows(t.deps, 'comments')).toBe(0)

    expect((await moderator.request('POST', `/api/mod/sites/news/imports/${started.id}/confirm`, { json: {} })).status).toBe(403)
    const confirm = await admin.request('POST', `/api/mod/sites/news/imports/${started.id}/confirm`, { json: {} })
    expect(confirm.status).toBe(202)
    const done = await until(admin, started.id, ['done', 'failed'])
    expect(done.result.summary).toMatchObject({ comments: 11, byStatus: { approved: 7 } })
    expect(done.progress.bytesRead).toBe(done.bytes)
    expect(await countRows(t.deps, 'comments')).toBe(11)
    const again = await admin.request('POST', `/api/mod/sites/news/imports/${started.id}/confirm`, { json: {} })
    expect(again.status).toBe(409)

    const audit = (await (await admin.request('GET', '/api/mod/audit?site=news')).json()) as any
    const entry = audit.items.find((i: any) => i.action === 'import')
    expect(entry.actor).toMatchObject({ id: admin.id, email: admin.email })
    const list = (await (await admin.request('GET', '/api/mod/sites/news/imports')).json()) as any
    expect(list.items.map((j: any) => j.id)).toContain(started.id)
  })

  it('fails a truncated upload with its line and column and writes nothing', async () => {
    const xml = readFixture('disqus.xml')
    const res = await upload(admin, xml.slice(0, xml.length / 2), 'disqus')
    const job = await until(admin, ((await res.json()) as any).import.id, ['checked', 'failed'])
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/^export\.xml: line \d+, column \d+: .*Nothing was imported\.$/)
    expect(await countRows(t.deps, 'comments')).toBe(11)
    expect((await admin.request('DELETE', `/api/mod/sites/news/imports/${job.id}`)).status).toBe(204)
    expect((await admin.request('GET', `/api/mod/sites/news/imports/${job.id}`)).status).toBe(404)
  })

  it('downloads the export as NDJSON, admins only', async () => {
    const res = await admin.request('GET', '/api/mod/sites/news/export')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-news-\d{4}-\d{2}-\d{2}\.ndjson"$/)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines[0].format).toBe('parley-export')
    expect(lines.filter((l) => l.type === 'comment')).toHaveLength(11)
    expect(lines.at(-1)).toEqual({ type: 'end', threads: 3, comments: 11 })
  })

  it('streams uploads to disk under a limit: past it, 413 and no file kept', async () => {
    const store = createTempUploads()
    const body = new Blob(['x'.repeat(5000)]).stream()
    await expect(store.save(body, 1000)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' })
    const ok = await store.save(new Blob(['<a/>']).stream(), 1000)
    expect(ok.bytes).toBe(4)
    let text = ''
    for await (const c of store.open(ok.id).chunks) text += c
    expect(text).toBe('<a/>')
    await store.remove(ok.id)
  })

  it('answers 503 where there is no file storage (Workers): the CLI is the way there', async () => {
    const bare = await createTestContext()
    try {
      const a2 = await signIn(bare)
      const res = await bare.app.request('/api/mod/sites/news/imports?format=wordpress', { method: 'POST', headers: { cookie: a2.cookie, 'content-type': 'application/xml' }, body: '<rss/>' })
      expect(res.status).toBe(503)
      expect((await res.json()).error.code).toBe('unavailable')
    } finally {
      await bare.close()
    }
  })
})
