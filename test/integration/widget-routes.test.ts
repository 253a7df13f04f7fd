import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { EMBED_HASH, EMBED_JS } from '../../src/widget/dist/bundle.js'
import { LANGS } from '../../src/widget/dist/langs.js'
import EN from '../../src/widget/lang/en.json' with { type: 'json' }
import { createTestContext, type TestContext } from '../helpers/app.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

describe('GET /embed.js', () => {
  it('serves the bundle at the stable URL with a short cache and an ETag', async () => {
    const res = await t.request('GET', '/embed.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400')
    expect(res.headers.get('etag')).toBe(`"${EMBED_HASH}"`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toBe(EMBED_JS)
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const res = await t.request('GET', '/embed.js', { headers: { 'if-none-match': `W/"${EMBED_HASH}"` } })
    expect(res.status).toBe(304)
    expect(await res.text()).toBe('')
  })

  it('serves the content-addressed URL as immutable, and 404 for another hash', async () => {
    const res = await t.request('GET', `/embed.${EMBED_HASH}.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await res.text()).toBe(EMBED_JS)
    const old = await t.request('GET', '/embed.0123456789ab.js')
    expect(old.status).toBe(404)
  })
})

describe('GET /embed/<lang>.json (issue 15: one file per language, loaded only when needed)', () => {
  it('serves Spanish, French, German and Brazilian Portuguese, each with every English key, named by hash in the bundle', async () => {
    expect(Object.keys(LANGS).sort()).toEqual(['de', 'es', 'fr', 'pt-BR'])
    for (const [tag, { hash }] of Object.entries(LANGS)) {
      // The bundle carries only the names and hashes, never another language's words.
      expect(EMBED_JS.includes(`${tag}:"${hash}"`) || EMBED_JS.includes(`"${tag}":"${hash}"`)).toBe(true)
      const res = await t.request('GET', `/embed/${tag}.${hash}.json`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      const dict = (await res.json()) as Record<string, unknown>
      expect(Object.keys(dict).sort()).toEqual(Object.keys(EN).sort())
      const stable = await t.request('GET', `/embed/${tag}.json`)
      expect(stable.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400')
      expect(await stable.json()).toEqual(dict)
      const again = await t.request('GET', `/embed/${tag}.json`, { headers: { 'if-none-match': stable.headers.get('etag')! } })
      expect(again.status).toBe(304)
    }
    expect((await (await t.request('GET', `/embed/es.${LANGS.es!.hash}.json`)).json()).leave).toBe('Deja una respuesta')
    expect(EMBED_JS).not.toContain('Deja una respuesta')
  })

  it('404s an unknown language, a stale hash and names that are not languages', async () => {
    for (const path of ['/embed/ja.json', '/embed/es.0123456789ab.json', '/embed/toString.json', '/embed/en.json']) {
      expect((await t.request('GET', path)).status, path).toBe(404)
    }
  })
})

describe('the demo article', () => {
  it('is served at / with the seed article and the widget on the demo site', async () => {
    const res = await t.request('GET', '/')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>The Trump administration is planning operations against the cartels in Mexico</h1>')
    expect(html).toContain('The Trump administration has declared war on drug cartels')
    expect(html).toContain('Related Articles')
    expect(html).toMatch(/<div id="parley" data-site="demo" data-uri="\/2026\/11\/cartels"[^>]* data-author="ashley-davis"/)
    expect(html).toContain('<script src="/embed.js" async></script>')
    expect(html.match(/data-parley-count="/g)).toHaveLength(3)
  })

  it('serves the related articles and 404s unknown ones', async () => {
    expect((await t.request('GET', '/2026/10/caribbean-boat-strikes')).status).toBe(200)
    expect((await t.request('GET', '/2026/10/no-such-article')).status).toBe(404)
  })

  it('is not mounted when DEMO is off', async () => {
    const app = createApp({ ...t.deps, config: { ...t.deps.config, demo: false } })
    expect((await app.request('/')).status).toBe(404)
    expect((await app.request('/embed.js')).status).toBe(200)
  })
})
