import { sql } from 'kysely'
import { z } from 'zod'
import type { Executor } from '../db/index.js'
import { jsonb, toDate } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { notFound, validationFailed } from '../errors.js'
import { decodeCursor, encodeCursor, isTimestamp } from '../lib/cursor.js'
import { assertSiteAccess, siteScope } from '../moderation/access.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { authorHandleSchema } from '../sites/site-admin.service.js'
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { findThreadById, liveCommentCount } from './thread.repository.js'

export const threadsQuerySchema = z.object({
  site: siteIdSchema.optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
})

export const patchThreadSchema = z.object({
  closed: z.boolean().optional(),
  title: z.string().trim().max(500).optional(),
  authors: z.array(authorHandleSchema).max(20).optional(),
})

type StatusCounts = { pending: number; approved: number; rejected: number; spam: number; deleted: number }

export interface ModThread {
  id: string
  site: string
  uri: string
  title: string
  authors: string[]
  closed: boolean
  commentCount: number
  counts: StatusCounts
  createdAt: string
}

interface ThreadListRow {
  id: string
  site_id: string
  uri: string
  title: string
  authors: string[]
  closed: boolean
  comment_count: number
  created_at: Date | string
  counts: Record<string, number | string> | null
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => '\\' + ch)

/** Threads with their counts per status, in one statement. */
async function findThreadRows(
  db: Executor,
  q: { sites: string[] | null; ids?: string[]; q?: string | undefined; cursor: { at: string; id: string } | null; limit: number },
): Promise<ThreadListRow[]> {
  const where = [sql`true`]
  if (q.sites !== null) where.push(q.sites.length ? sql`t.site_id in (${sql.join(q.sites)})` : sql`false`)
  if (q.ids) where.push(sql`t.id in (${sql.join(q.ids)})`)
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`
    where.push(sql`(t.title ilike ${like} or t.uri ilike ${like})`)
  }
  if (q.cursor) where.push(sql`(t.created_at, t.id) < (${q.cursor.at}::timestamptz, ${q.cursor.id})`)
  const r = await sql<ThreadListRow>`
    select t.id, t.site_id, t.uri, t.title, t.authors, t.closed, ${liveCommentCount('t')} as comment_count, t.created_at,
      (select json_object_agg(s.status, s.n) from (
         select c.status, count(*) as n from comments c where c.thread_id = t.id group by c.status) s) as counts
    from threads t
    where ${sql.join(where, sql` and `)}
    order by t.created_at desc, t.id desc
    limit ${q.limit + 1}
  `.execute(db)
  return r.rows
}

function toModThread(r: ThreadListRow): ModThread {
  const n = (k: string) => Number(r.counts?.[k] ?? 0)
  return {
    id: r.id,
    site: r.site_id,
    uri: r.uri,
    title: r.title,
    authors: r.authors,
    closed: r.closed,
    commentCount: r.comment_count,
    counts: { pending: n('pending'), approved: n('approved'), rejected: n('rejected'), spam: n('spam'), deleted: n('deleted') },
    createdAt: toDate(r.created_at).toISOString(),
  }
}

export async function listThreads(deps: Deps, m: ModeratorIdentity, q: z.infer<typeof threadsQuerySchema>) {
  const sites = siteScope(m, q.site)
  const c = q.cursor ? decodeCursor(q.cursor, (p) => p.length === 2 && isTimestamp(p[0]) && /^[a-z0-9]{1,64}$/.test(p[1]!)) : null
  const rows = await findThreadRows(deps.db, { sites, q: q.q || undefined, cursor: c ? { at: c[0]!, id: c[1]! } : null, limit: q.limit })
  if (rows.length === 0 && q.site !== undefined) await requireSite(deps.db, q.site)
  const page = rows.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(toModThread),
    nextCursor: rows.length > q.limit && last ? encodeCursor([toDate(last.created_at).toISOString(), last.id]) : null,
  }
}

/** Closes or reopens a thread, retitles it, sets its article authors (registered handles only). */
export async function patchThread(deps: Deps, m: ModeratorIdentity, id: string, patch: z.infer<typeof patchThreadSchema>): Promise<ModThread> {
  const now = deps.clock.now()
  const result = await deps.db.transaction().execute(async (trx) => {
    const thread = await findThreadById(trx, id)
    if (!thread) throw notFound('No such thread.')
    assertSiteAccess(m, thread.site_id)
    const authors = patch.authors ? [...new Set(patch.authors)] : undefined
    if (authors?.length) {
      const known = await trx
        .selectFrom('site_authors')
        .select('handle')
        .where('site_id', '=', thread.site_id)
        .where('handle', 'in', authors)
        .execute()
      const unknown = authors.filter((h) => !known.some((k) => k.handle === h))
      if (unknown.length) throw validationFailed([{ path: 'authors', message: `not registered on this site: ${unknown.join(', ')}` }])
    }
    const changed: string[] = []
    if (patch.closed !== undefined && patch.closed !== thread.closed) changed.push('closed')
    if (patch.title !== undefined && patch.title !== thread.title) changed.push('title')
    if (authors && JSON.stringify(authors) !== JSON.stringify(thread.authors)) changed.push('authors')
    if (changed.length) {
      await trx
        .updateTable('threads')
        .set({
          ...(changed.includes('closed') ? { closed: patch.closed! } : {}),
          // A moderator's title is final: no reader's or commenter's title replaces it.
          ...(changed.includes('title') ? { title: patch.title!, title_source: 'moderator' as const } : {}),
          ...(changed.includes('authors') ? { authors: jsonb(authors!) } : {}),
          version: sql`version + 1`,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute()
      await insertAuditEntry(trx, {
        siteId: thread.site_id,
        commentId: null,
        actor: { id: m.id, email: m.email },
        action: changed.includes('closed') ? (patch.closed ? 'thread_close' : 'thread_reopen') : 'thread_update',
        from: null,
        to: null,
        reason: null,
        details: { threadId: id, changed },
        at: now,
      })
    }
    const [row] = await findThreadRows(trx, { sites: null, ids: [id], cursor: null, limit: 1 })
    return toModThread(row!)
  })
  // Readers of this instance see the new title and closed state at once (README: writes show at once).
  deps.threadCache?.invalidateThread(id)
  return result
}
