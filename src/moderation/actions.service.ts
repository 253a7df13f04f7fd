import type { CommentRow } from '../../db/schema.js'
import type { Trx } from '../db/index.js'
import type { Deps } from '../deps.js'
import { AppError, forbidden } from '../errors.js'
import { onCommentChanged } from '../notifications/events.js'
import { requireSite, type Site } from '../sites/site.service.js'
import { refreshThread } from '../threads/thread.repository.js'
import { insertAuditEntry } from './audit.repository.js'
import { nextStatus, type ModerationAction } from './transitions.js'

export interface Actor {
  id: string
  email: string
  /** null: every site. */
  sites: string[] | null
}

/**
 * Applies one action to many comments inside the caller's transaction: all or nothing.
 * Missing ids → 404 naming them; disallowed transitions → 409 naming them; nothing applied.
 * Each change writes an audit row, resolves open reports, recounts threads and tells the
 * mail side (same transaction).
 */
export async function applyModerationAction(
  trx: Trx,
  deps: Deps,
  req: { ids: string[]; action: ModerationAction; actor: Actor | null; reason?: string | null; via?: string },
): Promise<CommentRow[]> {
  const now = deps.clock.now()
  const ids = [...new Set(req.ids)]
  const rows = ids.length
    ? await trx.selectFrom('comments').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute()
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  const missing = ids.filter((id) => !byId.has(id))
  if (missing.length)
    throw new AppError('not_found', 404, `No comment with id ${missing.join(', ')}.`, { ids: missing })
  if (req.actor?.sites) {
    const outside = rows.filter((r) => !req.actor!.sites!.includes(r.site_id)).map((r) => r.id)
    if (outside.length) throw forbidden(`You do not moderate the site of ${outside.join(', ')}.`)
  }
  const invalid = rows.filter((r) => nextStatus(req.action, r.status, r.open_reports) === null).map((r) => r.id)
  if (invalid.length)
    throw new AppError(
      'invalid_transition',
      409,
      `Cannot ${req.action} ${invalid.length === 1 ? 'comment' : 'comments'} ${invalid.join(', ')} from ${[...new Set(invalid.map((id) => byId.get(id)!.status))].join('/')}.`,
      { ids: invalid },
    )

  const sites = new Map<string, Site>()
  const threads = new Set<string>()
  const updated: CommentRow[] = []
  for (const id of ids) {
    const row = byId.get(id)!
    const to = nextStatus(req.action, row.status, row.open_reports)!
    await trx.updateTable('comments').set({ status: to, open_reports: 0, updated_at: now }).where('id', '=', id).execute()
    await trx.updateTable('reports').set({ resolved_at: now }).where('comment_id', '=', id).where('resolved_at', 'is', null).execute()
    await insertAuditEntry(trx, {
      siteId: row.site_id,
      commentId: id,
      actor: req.actor ? { id: req.actor.id, email: req.actor.email } : null,
      action: req.action,
      from: row.status,
      to,
      reason: req.reason ?? null,
      details: req.via ? { via: req.via } : null,
      at: now,
    })
    threads.add(row.thread_id)
    let site = sites.get(row.site_id)
    if (!site) sites.set(row.site_id, (site = await requireSite(trx, row.site_id)))
    const next: CommentRow = { ...row, status: to, open_reports: 0, updated_at: now }
    if (to !== row.status) {
      await onCommentChanged(trx, deps, {
        site,
        comment: next,
        from: row.status,
        to,
        actor: req.actor ? { id: req.actor.id, email: req.actor.email } : null,
        via: req.via,
      })
    }
    updated.push(next)
  }
  for (const threadId of threads) {
    await refreshThread(trx, threadId, now)
    deps.threadCache?.invalidateThread(threadId)
  }
  return updated
}
