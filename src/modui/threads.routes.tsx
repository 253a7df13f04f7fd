import { Hono } from 'hono'
import { z } from 'zod'
import { toDate } from '../db/index.js'
import type { AppEnv } from '../deps.js'
import { AppError, notFound } from '../errors.js'
import { assertSiteAccess } from '../moderation/access.js'
import { modCommentsByIds } from '../moderation/queue.service.js'
import { authorHandleSchema, listAuthors } from '../sites/site-admin.service.js'
import { requireSite } from '../sites/site.service.js'
import { listThreads, patchThread, threadsQuerySchema, type ModThread } from '../threads/thread-admin.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import { all, back, idSchema, me, mySites, str, takeFlash } from './form.js'
import { findThreadCommentIdsInOrder } from './modui.repository.js'
import { ThreadPage, ThreadsPage } from './threads.js'

const THREAD_PAGE_LIMIT = 500

function toThreadView(t: NonNullable<Awaited<ReturnType<typeof findThreadById>>>, statuses: string[]): ModThread {
  const n = (s: string) => statuses.filter((x) => x === s).length
  const authors = typeof t.authors === 'string' ? (JSON.parse(t.authors) as string[]) : (t.authors ?? [])
  return {
    id: t.id,
    site: t.site_id,
    uri: t.uri,
    title: t.title,
    authors,
    closed: t.closed,
    commentCount: t.comment_count,
    counts: { pending: n('pending'), approved: n('approved'), rejected: n('rejected'), spam: n('spam'), deleted: n('deleted') },
    createdAt: toDate(t.created_at).toISOString(),
  }
}

/** The threads list, one thread with all its comments, closing a thread, its article authors. */
export const threadRoutes = new Hono<AppEnv>()
  .get('/threads', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const parsed = threadsQuerySchema.safeParse(c.req.query())
    if (!parsed.success) throw new AppError('validation_failed', 400, 'That address is not valid.')
    const [sites, r] = await Promise.all([mySites(deps, m), listThreads(deps, m, parsed.data)])
    return c.html(<ThreadsPage m={m} sites={sites} site={parsed.data.site} q={parsed.data.q || undefined} items={r.items} nextCursor={r.nextCursor} flash={takeFlash(c)} />)
  })
  .get('/threads/:id', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const id = c.req.param('id')
    const thread = idSchema.safeParse(id).success ? await findThreadById(deps.db, id) : undefined
    if (!thread) throw notFound('No such thread.')
    assertSiteAccess(m, thread.site_id)
    const ids = await findThreadCommentIdsInOrder(deps.db, thread.id, THREAD_PAGE_LIMIT)
    const [site, comments, authors] = await Promise.all([requireSite(deps.db, thread.site_id), modCommentsByIds(deps, ids), listAuthors(deps, m, thread.site_id)])
    return c.html(
      <ThreadPage m={m} site={site} thread={toThreadView(thread, comments.map((x) => x.status))} comments={comments} authors={authors} flash={takeFlash(c)} />,
    )
  })
  .post('/threads/:id', async (c) => {
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such thread.')
    const body = await c.req.parseBody({ all: true })
    const closed = str(body, 'closed') === '1'
    await patchThread(c.var.deps, me(c), id, { closed })
    return back(c, `/mod/threads/${id}`, { kind: 'ok', text: closed ? 'The thread is closed: nobody can post.' : 'The thread is open again.' })
  })
  .post('/threads/:id/authors', async (c) => {
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such thread.')
    const body = await c.req.parseBody({ all: true })
    const authors = z.array(authorHandleSchema).max(20).safeParse(all(body, 'authors'))
    if (!authors.success) throw new AppError('validation_failed', 400, 'Those are not author handles.')
    await patchThread(c.var.deps, me(c), id, { authors: authors.data })
    return back(c, `/mod/threads/${id}`, { kind: 'ok', text: 'Article authors saved.' })
  })
