import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { AppError, errorResponse, notFound } from '../errors.js'
import { assertSiteAccess, siteScope } from '../moderation/access.js'
import { applyModerationAction } from '../moderation/actions.service.js'
import { countQueues, type Queue } from '../moderation/queue.repository.js'
import { listQueue, queueQuerySchema } from '../moderation/queue.service.js'
import { MODERATION_ACTIONS, type ModerationAction } from '../moderation/transitions.js'
import { findThreadById } from '../threads/thread.repository.js'
import { all, back, type Body, type C, idSchema, me, mySites, plural, safeReturn, str, takeFlash, wantsJson } from './form.js'
import { findCommentStatuses } from './modui.repository.js'
import { QueuePageView, type QueueView } from './queue.js'

const PAST: Record<ModerationAction, string> = { approve: 'Approved', reject: 'Rejected', spam: 'Marked as spam', restore: 'Moved back to pending', delete: 'Deleted' }

/** The queue counts for the scope a form or query names (site, thread, search); null if out of reach. */
async function scopedCounts(c: C, body: Body): Promise<Record<Queue, number> | null> {
  try {
    const site = str(body, 'site') || undefined
    const thread = str(body, 'thread') || undefined
    const q = str(body, 'q') || undefined
    let sites = siteScope(me(c), site)
    if (thread) {
      const t = await findThreadById(c.var.deps.db, thread)
      if (!t) return null
      assertSiteAccess(me(c), t.site_id)
      sites = [t.site_id]
    }
    return await countQueues(c.var.deps.db, { sites, threadId: thread, q })
  } catch {
    return null
  }
}

/** Applies moderation changes in one transaction and reports each comment's before and after. */
async function moderate(c: C, steps: { ids: string[]; action: ModerationAction; reason?: string | null; via?: string }[]) {
  const deps = c.var.deps
  const m = me(c)
  const ids = [...new Set(steps.flatMap((s) => s.ids))]
  return deps.db.transaction().execute(async (trx) => {
    const before = await findCommentStatuses(trx, ids)
    const after = new Map<string, string>()
    for (const s of steps) {
      if (!s.ids.length) continue
      const rows = await applyModerationAction(trx, deps, {
        ids: s.ids,
        action: s.action,
        actor: { id: m.id, email: m.email, sites: m.sites },
        reason: s.reason || null,
        ...(s.via ? { via: s.via } : {}),
      })
      for (const r of rows) after.set(r.id, r.status)
    }
    return ids.filter((id) => after.has(id)).map((id) => ({ id, from: before.get(id)!, to: after.get(id)! }))
  })
}

/** The review queue, its live counts, and the actions every card (and the thread view) posts. */
export const queueRoutes = new Hono<AppEnv>()
  .get('/queue', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const parsed = queueQuerySchema.safeParse(c.req.query())
    if (!parsed.success) throw new AppError('validation_failed', 400, 'That queue address is not valid.')
    const q = parsed.data
    const [sites, page, thread] = await Promise.all([
      mySites(deps, m),
      listQueue(deps, m, q),
      q.thread ? findThreadById(deps.db, q.thread) : Promise.resolve(undefined),
    ])
    const view: QueueView = {
      queue: q.queue,
      site: q.site,
      thread: thread ? { id: thread.id, title: thread.title || thread.uri } : undefined,
      q: q.q || undefined,
      sort: q.sort,
    }
    const url = new URL(c.req.url)
    return c.html(
      <QueuePageView m={m} sites={sites} view={view} page={page} returnTo={url.pathname + url.search} flash={takeFlash(c)} pollSeconds={deps.config.livePollSeconds}
        renderedAt={deps.clock.now().toISOString()}
      />,
    )
  })
  .get('/counts', async (c) => {
    const counts = await scopedCounts(c, c.req.query() as Body)
    if (!counts) throw notFound('No such queue.')
    return c.json({ counts })
  })
  .post('/act', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const returnTo = safeReturn(str(body, 'return'))
    const one = str(body, 'one')
    let ids: string[]
    let action: string
    let reason: string
    if (one) {
      const [id = '', a = ''] = one.split(':')
      ids = [id]
      action = a
      reason = str(body, `reason-${id}`)
    } else {
      ids = all(body, 'ids')
      action = str(body, 'action')
      reason = str(body, 'reason')
    }
    ids = [...new Set(ids)]
    const fail = (status: 400 | 404 | 409 | 403, message: string) => {
      if (wantsJson(c)) return errorResponse(c, new AppError(status === 400 ? 'validation_failed' : status === 404 ? 'not_found' : status === 403 ? 'forbidden' : 'invalid_transition', status, message))
      return back(c, returnTo, { kind: 'bad', text: message })
    }
    if (!ids.length) return fail(400, 'Select at least one comment first.')
    if (ids.length > 200 || !ids.every((id) => idSchema.safeParse(id).success)) return fail(400, 'Those are not comment ids.')
    if (!(MODERATION_ACTIONS as readonly string[]).includes(action)) return fail(400, 'Choose an action.')
    let items
    try {
      items = await moderate(c, [{ ids, action: action as ModerationAction, reason: reason.trim().slice(0, 500) || null }])
    } catch (err) {
      if (err instanceof AppError && [403, 404, 409].includes(err.status)) {
        const message = err.status === 409 ? `${err.message} Someone may have acted on it already; reload to see.` : err.message
        return fail(err.status as 403 | 404 | 409, message)
      }
      throw err
    }
    const message = `${PAST[action as ModerationAction]} ${plural(items.length)}.`
    if (wantsJson(c)) return c.json({ message, items, counts: await scopedCounts(c, body) })
    return back(c, returnTo + (one && returnTo.includes('/threads/') ? `#c-${ids[0]}` : ''), { kind: 'ok', text: message })
  })
  // The inverse of an action, for Undo: each comment back to the status it had.
  .post('/undo', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const wanted = all(body, 'undo')
      .map((v) => v.split(':'))
      .filter((p): p is [string, string] => p.length === 2 && idSchema.safeParse(p[0]).success && ['pending', 'approved', 'rejected', 'spam'].includes(p[1]!))
    if (!wanted.length || wanted.length > 200) throw new AppError('validation_failed', 400, 'Nothing to undo.')
    const now = await findCommentStatuses(c.var.deps.db, wanted.map((w) => w[0]))
    const steps: { ids: string[]; action: ModerationAction; via: string }[] = []
    const add = (action: ModerationAction, id: string) => {
      const s = steps.find((x) => x.action === action) ?? (steps.push({ ids: [], action, via: 'undo' }), steps[steps.length - 1]!)
      s.ids.push(id)
    }
    for (const [id, to] of wanted) {
      const cur = now.get(id)
      if (!cur || cur === to) continue
      if (to === 'pending') {
        // There is no approved → pending transition: reject first, then back to the queue.
        if (cur === 'approved') add('reject', id)
        add('restore', id)
      } else add(to === 'approved' ? 'approve' : to === 'rejected' ? 'reject' : 'spam', id)
    }
    const order: ModerationAction[] = ['reject', 'restore', 'approve', 'spam']
    steps.sort((a, b) => order.indexOf(a.action) - order.indexOf(b.action))
    const items = await moderate(c, steps)
    const message = `Undone: ${plural(wanted.length)} back as before.`
    if (wantsJson(c)) return c.json({ message, items, counts: await scopedCounts(c, body) })
    return back(c, safeReturn(str(body, 'return')), { kind: 'ok', text: message })
  })
