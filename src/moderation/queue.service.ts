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
 * Queue pages read while the database had no write since (embedded PGlite only, where one process
 * owns the database: src/db/writes.ts). Keyed by the moderator's site scope and the whole query,
 * so a moderator of one site is never answered from another's; bounded; an entry is used only
 * while the database's write generation is the one its read began and ended at.
 */
export class QueuePageCache {
  private entries = new Map<string, { generation: number; page: QueuePage }>()
  /** Pages answered from here (tests and the bench look). */
  hits = 0
  constructor(private max = 64) {}
  get(key: string, generation: number): QueuePage | undefined {
    const e = this.entries.get(key)
    if (!e || e.generation !== generation) return undefined
    this.hits++
    return e.page
  }
  set(key: string, generation: number, page: QueuePage): void {
    this.entries.delete(key)
    this.entries.set(key, { generation, page })
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!)
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
  const generation = deps.queueCache ? writeGeneration(deps.db) : null
  const key = JSON.stringify([sites, q.site ?? null, q.thread ?? null, q.q || null, q.queue, q.sort, q.limit, cursor])
  const cached = generation === null ? undefined : deps.queueCache!.get(key, generation)
  if (cached) return cached
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
  const result: QueuePage = {
    items: page.map((r) => toModComment(r, deps.config.publicUrl)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([new Date(last.created_at).toISOString(), last.seq]) : null,
    counts,
  }
  // Kept only if nothing was written while it was read (a count fold is a write: not kept then).
  if (generation !== null && writeGeneration(deps.db) === generation) deps.queueCache!.set(key, generation, result)
  return result
}

export async function modCommentsByIds(deps: Deps, ids: string[]): Promise<ModComment[]> {
  const rows = await findModCommentsByIds(deps.db, ids)
  const byId = new Map(rows.map((r) => [r.id, toModComment(r, deps.config.publicUrl)]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}
