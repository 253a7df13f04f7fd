import { z } from 'zod'
import type { Deps, ModeratorIdentity } from '../deps.js'
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

export async function modCommentsByIds(deps: Deps, ids: string[]): Promise<ModComment[]> {
  const rows = await findModCommentsByIds(deps.db, ids)
  const byId = new Map(rows.map((r) => [r.id, toModComment(r, deps.config.publicUrl)]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}
