import { z } from 'zod'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { writeGeneration } from '../db/writes.js'
import { notFound } from '../errors.js'
import { decodeCursor, encodeCursor, isSeq, isTimestamp } from '../lib/cursor.js'
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import { assertSiteAccess, siteScope } from './access.js'
import { toModComment, type ModComment } from './mod.mapper.js'
import { findModCommentsByIds, findQueuePage, QUEUES, type Queue } from './queue.repository.js'

const idSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'is not an id')

export const queueQuerySchema = z.object({
  site: siteIdSchema.optional(),
  queue: z.enum(QUEUES).default('pending'),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  thread: idSchema.optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(300).optional(),
})
export type QueueQuery = z.infer<typeof queueQuerySchema>

export interface QueuePage {
  items: ModComment[]
  nextCursor: string | null
  counts: Record<Queue, number>
}

/**
 * Reads kept while the database has had no write since (embedded PGlite only, where one process
 * owns the database: src/db/writes.ts): the desk's queue pages, keyed by the moderator's site
 * scope and the whole query, so a moderator of one site is never answered from another's; and the
 * list of sites every desk page shows. Bounded; an entry is used only while the database's write
 * generation is the one its read began and ended at.
 */
export class QueuePageCache {
  private entries = new Map<string, { generation: number; value: unknown }>()
  /** Reads answered from here (tests and the bench look). */
  hits = 0
  constructor(private max = 64) {}
  /** `read()`'s value, kept under `key` between writes; on PostgreSQL (no tracker) always read. */
  async read<T>(db: object, key: string, read: () => Promise<T>): Promise<T> {
    const generation = writeGeneration(db)
    if (generation === null) return read()
    const e = this.entries.get(key)
    if (e && e.generation === generation) {
      this.hits++
      return e.value as T
    }
    const value = await read()
    // Kept only if nothing was written while it was read (a count fold is a write: not kept then).
    if (writeGeneration(db) === generation) {
      this.entries.delete(key)
      this.entries.set(key, { generation, value })
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!)
    }
    return value
  }
}

/** A page of a queue and the counts of every queue: one statement whatever the page size (and the session's). */
export async function listQueue(deps: Deps, m: ModeratorIdentity, q: QueueQuery): Promise<QueuePage> {
  let sites = siteScope(m, q.site)
  if (q.thread) {
    const thread = await findThreadById(deps.db, q.thread)
    if (!thread || (q.site !== undefined && thread.site_id !== q.site)) throw notFound('No such thread.')
    assertSiteAccess(m, thread.site_id)
    sites = [thread.site_id]
  }
  const cursor = q.cursor
    ? decodeCursor(q.cursor, (p) => p.length === 2 && isTimestamp(p[0]) && isSeq(p[1]))
    : null
  // Only past the access checks above: the key holds the scope they allowed.
  const key = `queue:${JSON.stringify([sites, q.site ?? null, q.thread ?? null, q.q || null, q.queue, q.sort, q.limit, cursor])}`
  const read = async (): Promise<QueuePage> => {
    const { rows, counts } = await findQueuePage(deps.db, {
      sites,
      threadId: q.thread,
      q: q.q || undefined,
      queue: q.queue,
      sort: q.sort,
      limit: q.limit,
      cursor: cursor ? { at: cursor[0]!, seq: cursor[1]! } : null,
    })
    // Only an empty page asks whether the site exists, so a normal page costs no extra query.
    if (rows.length === 0 && q.site !== undefined) await requireSite(deps.db, q.site)
    const page = rows.slice(0, q.limit)
    const last = page[page.length - 1]
    return {
      items: page.map((r) => toModComment(r, deps.config.publicUrl)),
      nextCursor: rows.length > q.limit && last ? encodeCursor([new Date(last.created_at).toISOString(), last.seq]) : null,
      counts,
    }
  }
  return deps.queueCache ? deps.queueCache.read(deps.db, key, read) : read()
}

export async function modCommentsByIds(deps: Deps, ids: string[]): Promise<ModComment[]> {
  const rows = await findModCommentsByIds(deps.db, ids)
  const byId = new Map(rows.map((r) => [r.id, toModComment(r, deps.config.publicUrl)]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}
