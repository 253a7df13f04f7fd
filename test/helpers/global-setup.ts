import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrateToLatest } from '../../src/db/index.js'
import { openDatabase } from '../../src/db/node.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string
  }
}

/**
 * On PGlite, migrate one in-memory database once and hand every test file a snapshot of it
 * (a cold PGlite start costs seconds; loading a snapshot a fraction). On PostgreSQL each test
 * file makes its own schema instead (see db.ts).
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    console.log(`[parley tests] database: PostgreSQL (${new URL(process.env.DATABASE_URL).host})`)
    project.provide('pgliteSnapshot', '')
    return
  }
  console.log('[parley tests] database: PGlite (set DATABASE_URL to run on PostgreSQL)')
  const opened = await openDatabase({ dataDir: 'memory://' })
  await migrateToLatest(opened.db)
  const blob = await opened.pg!.dumpDataDir('gzip')
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'))
  const file = join(dir, 'snapshot.tar.gz')
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()))
  await opened.close()
  project.provide('pgliteSnapshot', file)
}
