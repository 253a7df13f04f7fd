import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EMBED_HASH } from '../../src/widget/dist/bundle.js'
import { createTestContext, type TestContext } from '../helpers/app.js'

// The budget is measured on what readers download: the bytes GET /embed.js answers with, as
// `npm run build` (scripts/build-widget.mjs, run by `npm test` first) made them. A change to the
// build (a source map inlined, minify off, a big dependency) shows here.
const LIMIT = 15 * 1024

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

describe('the embed script readers download', () => {
  it('is at most 15 KB gzipped, carries no source map, and is the bundle both URLs name', async () => {
    const res = await t.request('GET', '/embed.js')
    expect(res.status).toBe(200)
    const bytes = new Uint8Array(await res.arrayBuffer())
    const text = new TextDecoder().decode(bytes)
    const gz = gzipSync(bytes, { level: 9 }).length
    console.log(`[widget] GET /embed.js: ${bytes.length} bytes, ${gz} bytes gzipped (limit ${LIMIT})`)
    expect(gz).toBeLessThanOrEqual(LIMIT)
    expect(text).not.toMatch(/sourceMappingURL/)
    expect(createHash('sha256').update(text).digest('hex').slice(0, 12)).toBe(EMBED_HASH)
    const versioned = await t.request('GET', `/embed.${EMBED_HASH}.js`)
    expect(new Uint8Array(await versioned.arrayBuffer())).toEqual(bytes)
  })
})
