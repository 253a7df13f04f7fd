// Embedded PGlite runs with a smaller buffer pool than its default (src/db/node.ts,
// PGLITE_SHARED_BUFFERS): the pool is resident memory for the life of the process. PGlite's own
// start parameters (single-user mode, no parallel workers, search_path=public) stay as they were.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openDatabase, PGLITE_SHARED_BUFFERS } from '../../src/db/node.js'

describe('embedded PGlite settings', () => {
  it('runs with a 32 MB buffer pool and keeps PGlite’s own start parameters', async () => {
    const opened = await openDatabase({ dataDir: 'memory://' })
    try {
      const show = async (name: string) => (await sql.raw<Record<string, string>>(`show ${name}`).execute(opened.db)).rows[0]![name]
      expect(PGLITE_SHARED_BUFFERS).toBe('32MB')
      expect(await show('shared_buffers')).toBe('32MB')
      expect(await show('max_parallel_workers_per_gather')).toBe('0')
      expect(await show('search_path')).toBe('public')
      expect(await show('exit_on_error')).toBe('off')
    } finally {
      await opened.close()
    }
  }, 60_000)
})
