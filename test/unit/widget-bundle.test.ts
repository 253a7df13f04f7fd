import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const LIMIT = 15 * 1024

describe('the embed bundle', () => {
  it('is at most 15 KB gzipped', async () => {
    // Built here with the same options as scripts/build-widget.mjs, so the test needs no prior build.
    const out = await build({
      entryPoints: ['src/widget/main.ts'],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['es2020'],
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    })
    const js = out.outputFiles[0]!.contents
    const gz = gzipSync(js, { level: 9 }).length
    console.log(`[widget] embed.js: ${js.length} bytes, ${gz} bytes gzipped (limit ${LIMIT})`)
    expect(gz).toBeLessThanOrEqual(LIMIT)
  })
})
