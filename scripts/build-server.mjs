// Bundles the Node server (src/server.node.ts) into dist/server.js, run by `npm start` with plain
// node: no TypeScript loader in the process (tsx's loader thread and its per-module cost were
// ~65 MB of the server's RSS; docs/perf.md "Round 3: memory"). bench/run.ts bundles its bench
// server with the same options (buildNode), so the bench measures what `npm start` runs.
// Run by `npm start` (prestart) after the widget's build; dist/ is not committed.
import { fileURLToPath } from 'node:url'

/** Packages left to node_modules: PGlite (imported lazily; its WASM and data files load from its package), its dialect, and the argon2 native addon. */
export const EXTERNAL = ['@electric-sql/pglite', '@electric-sql/pglite/*', 'kysely-pglite-dialect', '@node-rs/argon2']

/** One ESM bundle of `entry` at `outfile` for Node 20, with a source map (`node --enable-source-maps`). */
export async function buildNode(entry, outfile) {
  let build
  try {
    ;({ build } = await import('esbuild'))
  } catch {
    throw new Error('build-server: esbuild is not installed; run `npm install` (with dev dependencies) first.')
  }
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    external: EXTERNAL,
    // The CommonJS packages in the bundle (nodemailer, busboy, sanitize-html…) call require().
    banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
  })
  return outfile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildNode('src/server.node.ts', 'dist/server.js')
}
