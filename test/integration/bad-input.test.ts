import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'

const CODES = new Set([
  'validation_failed', 'unsupported_media_type', 'unauthenticated', 'forbidden', 'comments_closed', 'banned',
  'not_found', 'duplicate', 'edit_window_closed', 'has_replies', 'invalid_transition', 'rate_limited',
  'payload_too_large', 'unavailable',
  // docs/api.md, "Reader features (issue 15)": votes.
  'own_comment', 'downvotes_disabled',
])

interface Case {
  name: string
  method: string
  path: string
  body?: BodyInit
  headers?: Record<string, string>
}

let t: TestContext
let existing: { id: string; token: string }

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
  const res = await t.request('POST', '/api/comments', { json: newComment({ uri: '/keep', body: 'Stored before the storm.' }) })
  const body = (await res.json()) as any
  existing = { id: body.comment.id, token: body.editToken }
})
afterAll(() => t.close())

const json = (v: unknown) => ({ body: JSON.stringify(v), headers: { 'content-type': 'application/json' } })

function cases(): Case[] {
  const out: Case[] = []
  const base = newComment({ uri: '/keep' })
  const fields = ['site', 'uri', 'body', 'name', 'email', 'url', 'parentId', 'notifyReplies', 'hp', 'title', 'author', 'elapsedMs']
  const wrongTypes: Record<string, unknown[]> = {
    string: [42, true, [], { a: 1 }],
    boolean: ['yes', 1, [], {}],
    number: ['12', true, [], {}, -5, 1.5],
  }
  const typeOf: Record<string, keyof typeof wrongTypes> = { notifyReplies: 'boolean', elapsedMs: 'number' }
  // Wrong types, field by field.
  for (const f of fields)
    for (const v of wrongTypes[typeOf[f] ?? 'string']!)
      out.push({ name: `POST ${f}=${JSON.stringify(v)}`, method: 'POST', path: '/api/comments', ...json({ ...base, [f]: v }) })
  // Nulls where a value is required.
  for (const f of ['site', 'uri', 'body', 'name', 'email'])
    out.push({ name: `POST ${f}=null`, method: 'POST', path: '/api/comments', ...json({ ...base, [f]: null }) })
  // Missing required fields.
  for (const f of ['site', 'uri', 'body', 'name', 'email']) {
    const { [f]: _, ...rest } = base
    out.push({ name: `POST without ${f}`, method: 'POST', path: '/api/comments', ...json(rest) })
  }
  // Oversize values.
  const big: Record<string, string> = {
    body: 'b'.repeat(65_526),
    name: 'n'.repeat(246),
    email: `${'e'.repeat(100)}@example.org`,
    url: `https://example.org/${'u'.repeat(200)}`,
    title: 't'.repeat(501),
    hp: 'h'.repeat(1001),
    uri: `/${'p'.repeat(2001)}`,
    site: 's'.repeat(65),
    author: 'a'.repeat(65),
    parentId: 'p'.repeat(65),
  }
  for (const [f, v] of Object.entries(big))
    out.push({ name: `POST oversize ${f}`, method: 'POST', path: '/api/comments', ...json({ ...base, [f]: v }) })
  // Bad values of the right type.
  const badValues: [string, unknown][] = [
    ['site', 'News Site'], ['site', ''], ['site', '../etc'], ['site', 'ñews'], ['site', 'nope-not-a-site'],
    ['uri', ''], ['uri', 'relative/path'], ['uri', '//evil.example/x'], ['uri', '/with space'], ['uri', 'javascript:alert(1)'],
    ['uri', '/a\u0000b'], ['body', ''], ['body', ' \n\t '], ['body', 'nul \u0000 byte'], ['name', 'nul\u0000name'],
    ['email', 'not-an-email'], ['email', 'a@'], ['email', '@b.org'], ['email', 'a@b'], ['email', 'a b@c.org'],
    ['email', 'ann＠example.org'], ['email', 'a@b.org\u0000'], ['url', 'javascript:alert(1)'], ['url', 'data:text/html,x'],
    ['url', 'ftp://example.org'], ['url', 'http://'], ['url', 'http://user:pass@example.org'], ['url', 'vbscript:x'],
    ['parentId', 'no-such-parent'], ['parentId', '../../etc'], ['parentId', 'x'.repeat(64)], ['author', 'has space'],
    ['author', '<script>'], ['title', 'nul\u0000title'], ['hp', 'filled\u0000'], ['elapsedMs', 1e13],
  ]
  for (const [f, v] of badValues)
    out.push({ name: `POST ${f}=${JSON.stringify(v).slice(0, 40)}`, method: 'POST', path: '/api/comments', ...json({ ...base, [f]: v }) })
  // Broken JSON and non-object JSON.
  for (const raw of ['{', '{"site":', '{"site":"news",}', 'nul', "{'site':'news'}", '[1,2]', '"text"', '123', 'null', 'true', '', '\uFEFF{}x', '{"a":1}{"b":2}', '{"body":"\\ud800"'])
    out.push({ name: `POST raw ${JSON.stringify(raw)}`, method: 'POST', path: '/api/comments', body: raw, headers: { 'content-type': 'application/json' } })
  // Wrong content types, on every state-changing public endpoint.
  const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/jsonx', 'application/json-patch+json']
  const targets: [string, string][] = [
    ['POST', '/api/comments'],
    ['PATCH', `/api/comments/${existing?.id ?? 'x'}`],
    ['POST', `/api/comments/${existing?.id ?? 'x'}/report`],
    ['POST', '/api/follows'],
  ]
  for (const [method, path] of targets) {
    for (const type of types)
      out.push({ name: `${method} ${path} as ${type}`, method, path, body: JSON.stringify(base), headers: { 'content-type': type } })
    out.push({ name: `${method} ${path} without a content type`, method, path, body: new Blob([JSON.stringify(base)]) })
  }
  // Huge bodies.
  out.push({ name: 'POST 2 MB body', method: 'POST', path: '/api/comments', ...json({ ...base, body: 'x'.repeat(2 * 1024 * 1024) }) })
  out.push({ name: 'POST 1.1 MB of junk', method: 'POST', path: '/api/comments', body: '['.repeat(1_100_000), headers: { 'content-type': 'application/json' } })
  // PATCH / DELETE / report with bad ids, bodies and tokens.
  for (const id of ['nosuch', 'UPPER', 'a'.repeat(65), '%00', 'x%2F..%2Fy', '🙂'])
    out.push(
      { name: `PATCH id ${id}`, method: 'PATCH', path: `/api/comments/${id}`, ...json({ body: 'x' }) },
      { name: `DELETE id ${id}`, method: 'DELETE', path: `/api/comments/${id}` },
      { name: `report id ${id}`, method: 'POST', path: `/api/comments/${id}/report`, ...json({ reason: 'spam' }) },
    )
  for (const body of [{}, { body: '' }, { body: 42 }, { body: null }, { body: 'z'.repeat(65_526) }, { body: 'nul\u0000' }])
    out.push({ name: `PATCH body ${JSON.stringify(body).slice(0, 30)}`, method: 'PATCH', path: `/api/comments/${existing?.id}`, body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${existing?.token}` } })
  for (const auth of ['', 'Bearer', 'Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg==', `Bearer ${'A'.repeat(5000)}`, 'Bearer ,,,'])
    out.push(
      { name: `PATCH auth ${auth.slice(0, 20)}`, method: 'PATCH', path: `/api/comments/${existing?.id}`, body: JSON.stringify({ body: 'hijack' }), headers: { 'content-type': 'application/json', authorization: auth } },
      { name: `DELETE auth ${auth.slice(0, 20)}`, method: 'DELETE', path: `/api/comments/${existing?.id}`, headers: { authorization: auth } },
    )
  for (const body of [{}, { reason: 'boring' }, { reason: 1 }, { reason: 'spam', details: 'd'.repeat(1001) }, { reason: 'spam', details: 5 }, { reason: null }])
    out.push({ name: `report ${JSON.stringify(body).slice(0, 30)}`, method: 'POST', path: `/api/comments/${existing?.id}/report`, ...json(body) })
  for (const body of [{}, { value: 2, voter: 'v'.repeat(20) }, { value: 1 }, { value: 1, voter: 'short' }, { value: 1, voter: 'v'.repeat(65) }, { value: null, voter: null }, { value: -1, voter: 'v'.repeat(20) }])
    out.push({ name: `vote ${JSON.stringify(body).slice(0, 30)}`, method: 'POST', path: `/api/comments/${existing?.id}/vote`, ...json(body) })
  out.push({ name: 'vote own', method: 'POST', path: `/api/comments/${existing?.id}/vote`, body: JSON.stringify({ value: 1, voter: 'v'.repeat(20) }), headers: { 'content-type': 'application/json', authorization: `Bearer ${existing?.token}` } })
  // Following an article (issue 15).
  const follow = { site: 'news', uri: '/keep', email: 'follower@example.org' }
  for (const body of [{}, { ...follow, email: '' }, { ...follow, email: 'a@b' }, { ...follow, email: 7 }, { ...follow, email: `${'e'.repeat(300)}@x.org` }, { ...follow, email: 'a@b.org\u0000' }, { ...follow, uri: 'keep' }, { ...follow, uri: null }, { ...follow, site: 'nope-not-a-site' }, { ...follow, site: null }, { ...follow, lang: 'x y' }, { ...follow, title: 't'.repeat(501) }])
    out.push({ name: `follow ${JSON.stringify(body).slice(0, 40)}`, method: 'POST', path: '/api/follows', ...json(body) })
  out.push({ name: 'GET voter header', method: 'GET', path: '/api/comments?site=news&uri=/keep', headers: { 'x-parley-voter': 'bad voter' } })
  // Query strings.
  const queries = [
    '/api/comments', '/api/comments?site=news', '/api/comments?uri=/keep', '/api/comments?site=NEWS&uri=/keep',
    '/api/comments?site=news&uri=keep', '/api/comments?site=news&uri=/keep&limit=abc', '/api/comments?site=news&uri=/keep&limit=-1',
    '/api/comments?site=news&uri=/keep&limit=1e9', '/api/comments?site=news&uri=/keep&sort=worst', '/api/comments?site=news&uri=/keep&cursor=!!',
    '/api/comments?site=news&uri=/keep&cursor=' + 'a'.repeat(300), '/api/comments?site=news&uri=/k%00eep', '/api/comments?site=news&uri=/keep&title=%00',
    '/api/comments?site=news&uri=/keep&title=' + 't'.repeat(501), '/api/comments?site=n%C3%A9ws&uri=/keep', '/api/comments?site=nope&uri=/keep',
    '/api/counts', '/api/counts?site=news', '/api/counts?uri=/keep', '/api/counts?site=news&uri=nope', '/api/counts?site=news&uri=/a&uri=bad',
    '/api/counts?site=nope&uri=/keep', '/api/counts?site=news&' + Array.from({ length: 101 }, (_, i) => `uri=/u${i}`).join('&'),
    '/api/config', '/api/config?site=', '/api/config?site=nope', '/api/config?site=%00', '/api/nothing-here', '/avatar/zzz.svg', '/avatar/../../etc/passwd',
  ]
  for (const q of queries) out.push({ name: `GET ${q.slice(0, 60)}`, method: 'GET', path: q })
  // Methods the API does not have.
  for (const [method, path] of [['PUT', '/api/comments'], ['DELETE', '/api/comments'], ['POST', '/api/counts'], ['PATCH', '/api/config'], ['PUT', '/api/follows'], ['DELETE', '/api/follows']] as const)
    out.push({ name: `${method} ${path}`, method, path, ...json({}) })
  return out
}

async function snapshot() {
  return t.deps.db.selectFrom('comments').selectAll().orderBy('id').execute()
}

describe('bad input', () => {
  it('answers every malformed request with a 4xx in the contract shape, and changes nothing stored', async () => {
    const before = await snapshot()
    const threadsBefore = await t.deps.db.selectFrom('threads').selectAll().orderBy('id').execute()
    const all = cases()
    expect(all.length).toBeGreaterThanOrEqual(200)
    const failures: string[] = []
    for (const c of all) {
      t.clock.advanceSeconds(20)
      const res = await t.app.request(c.path, { method: c.method, headers: { 'x-test-ip': '192.0.2.200', ...c.headers }, ...(c.body !== undefined ? { body: c.body } : {}) })
      const text = await res.text()
      if (res.status < 400 || res.status >= 500) {
        failures.push(`${c.name}: ${res.status} ${text.slice(0, 120)}`)
        continue
      }
      let parsed: any
      try {
        parsed = JSON.parse(text)
      } catch {
        failures.push(`${c.name}: ${res.status} not JSON: ${text.slice(0, 80)}`)
        continue
      }
      const e = parsed?.error
      const shapeOk =
        e && typeof e.code === 'string' && CODES.has(e.code) && typeof e.message === 'string' && e.message.length > 0 &&
        (e.code !== 'validation_failed' || (Array.isArray(e.fields) && e.fields.every((f: any) => typeof f.path === 'string' && typeof f.message === 'string')))
      if (!shapeOk) failures.push(`${c.name}: ${res.status} bad shape ${text.slice(0, 120)}`)
      if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) failures.push(`${c.name}: content-type ${res.headers.get('content-type')}`)
    }
    expect(failures).toEqual([])
    expect(await snapshot()).toEqual(before)
    expect(await t.deps.db.selectFrom('threads').selectAll().orderBy('id').execute()).toEqual(threadsBefore)
    expect(await t.deps.db.selectFrom('thread_follows').selectAll().execute()).toEqual([])
  })

  it('still serves the stored comment afterwards', async () => {
    const list = (await (await t.request('GET', '/api/comments?site=news&uri=/keep')).json()) as any
    expect(list.comments.map((c: any) => c.html)).toEqual(['<p>Stored before the storm.</p>'])
  })
})
