import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { normaliseUri, threadKey } from '../../src/threads/uri.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { signIn } from '../helpers/mod.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'post' } })
})
afterAll(() => t.close())

async function post(body: Record<string, unknown>) {
  t.clock.advanceSeconds(1)
  const res = await t.request('POST', '/api/comments', { json: body })
  expect(res.status).toBe(201)
  return (await res.json()) as any
}
const read = async (site: string, uri: string) =>
  (await (await t.request('GET', `/api/comments?site=${site}&uri=${encodeURIComponent(uri)}`)).json()) as any

describe('threadQueryParams (WordPress plain permalinks)', () => {
  it('keeps ?p= and ?page_id= in the thread key by default, in that order, and drops every other query', async () => {
    await post(newComment({ uri: '/?p=4', body: 'On post four' }))
    await post(newComment({ uri: '/?p=5&utm_source=mail', body: 'On post five' }))
    await post(newComment({ uri: 'https://news.example/?page_id=9&p=7#respond', body: 'On a page' }))
    await post(newComment({ uri: '/?utm_source=x', body: 'On the front page' }))

    const four = await read('news', '/?p=4')
    expect(four.thread.uri).toBe('/?p=4')
    expect(four.comments.map((c: any) => c.html)).toEqual(['<p>On post four</p>'])
    expect((await read('news', '/?p=5')).comments).toHaveLength(1)
    expect((await read('news', '/?utm_campaign=z&p=5&x=1')).thread.uri).toBe('/?p=5')
    expect((await read('news', '/?p=7&page_id=9')).comments.map((c: any) => c.html)).toEqual(['<p>On a page</p>'])
    expect((await read('news', '/?p=7&page_id=9')).thread.uri).toBe('/?p=7&page_id=9')
    expect((await read('news', '/')).comments.map((c: any) => c.html)).toEqual(['<p>On the front page</p>'])

    const counts = await (await t.request('GET', '/api/counts?site=news&uri=/%3Fp%3D4&uri=/%3Fp%3D5%26ref%3Dx&uri=/&uri=/%3Fp%3D6')).json()
    expect(counts).toEqual({
      counts: [
        { uri: '/?p=4', count: 1 },
        { uri: '/?p=5', count: 1 },
        { uri: '/', count: 1 },
        { uri: '/?p=6', count: 0 },
      ],
    })
  })

  it('is a site setting: an admin can change it, and an empty list drops every query again', async () => {
    const admin = await signIn(t)
    const res = await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { threadQueryParams: ['article'] } })
    expect(res.status).toBe(200)
    expect((await res.json()).threadQueryParams).toEqual(['article'])
    await post(newComment({ uri: '/read?article=12&p=3', body: 'Article twelve' }))
    expect((await read('news', '/read?article=12')).comments).toHaveLength(1)
    expect((await read('news', '/read?article=12&p=3')).thread.uri).toBe('/read?article=12')
    expect((await read('news', '/read')).comments).toHaveLength(0)

    const bad = await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { threadQueryParams: ['a b'] } })
    expect(bad.status).toBe(400)
    await admin.request('PATCH', '/api/mod/sites/news/settings', { json: { threadQueryParams: [] } })
    expect((await read('news', '/read?article=12')).thread.uri).toBe('/read')
  })

  it('normalises paths as before and keeps only the named parameters', () => {
    expect(normaliseUri('/a/b/?p=4#c')).toBe('/a/b?p=4')
    expect(normaliseUri('https://news.example/2014/test/')).toBe('/2014/test')
    expect(normaliseUri('/x?page_id=2&p=1')).toBe('/x?p=1&page_id=2')
    expect(normaliseUri('/x?p=&q=1')).toBe('/x')
    expect(normaliseUri('/x?p=a%20b', [])).toBe('/x')
    expect(normaliseUri('/x?q=1&p=2', 'all')).toBe('/x?q=1&p=2')
    expect(threadKey('/x?q=1&p=2', ['p'])).toBe('/x?p=2')
    expect(threadKey('/x', ['p'])).toBe('/x')
  })
})
