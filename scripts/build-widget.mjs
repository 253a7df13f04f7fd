// Bundles the embed widget (src/widget) into src/widget/dist; run by npm start, test and bench.
import { existsSync } from 'node:fs'
const entry = 'src/widget/main.ts'
if (!existsSync(entry)) process.exit(0)
const { build } = await import('esbuild')
await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: 'src/widget/dist/embed.js',
  logLevel: 'warning',
})
