import type { Deps } from '../deps.js'
import { toDate } from '../db/index.js'
import { requireSite } from '../sites/site.service.js'
import { findBansBySite, findCommentPage, findImportOrigins, findReportsByCommentIds, findThreadPageForExport } from './export.repository.js'
import { findAuthorsBySite } from '../sites/author.repository.js'
import { EXPORT_FORMAT, EXPORT_VERSION } from './parley.js'

const PAGE = 1000
const iso = (v: Date | string | null) => (v === null ? null : toDate(v).toISOString())

/**
 * A site's whole data as NDJSON lines (docs/api.md "Import and export"), read page by page so
 * a large site never sits in memory. It holds personal data: emails, IP keys, reports.
 */
export async function* exportSite(deps: Deps, siteId: string): AsyncGenerator<string> {
  const { db } = deps
  const site = await requireSite(db, siteId)
  const created = await db.selectFrom('sites').select('created_at').where('id', '=', siteId).executeTakeFirstOrThrow()
  yield JSON.stringify({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    site: { id: site.id, name: site.name, settings: site.storedSettings, createdAt: iso(created.created_at) },
    exportedAt: deps.clock.now().toISOString(),
  }) + '\n'

  let threads = 0
  for (let after = ''; ; ) {
    const page = await findThreadPageForExport(db, siteId, after, PAGE)
    for (const t of page) {
      threads++
      yield JSON.stringify({ type: 'thread', id: t.id, uri: t.uri, title: t.title, closed: t.closed, authors: t.authors, createdAt: iso(t.created_at) }) + '\n'
    }
    if (page.length < PAGE) break
    after = page[page.length - 1]!.id
  }

  let comments = 0
  for (let afterSeq = '0'; ; ) {
    const page = await findCommentPage(db, siteId, afterSeq, PAGE)
    const ids = page.map((c) => c.id)
    const [reports, origins] = await Promise.all([findReportsByCommentIds(db, ids), findImportOrigins(db, ids)])
    let out = ''
    for (const c of page) {
      comments++
      const origin = origins.get(c.id)
      out +=
        JSON.stringify({
          type: 'comment',
          id: c.id,
          thread: c.thread_id,
          parentId: c.parent_id,
          status: c.status,
          body: c.body_md,
          html: c.body_html,
          author: { name: c.author_name, email: c.author_email, url: c.author_url },
          avatarKey: c.avatar_key,
          ipKey: c.ip_key,
          userAgent: c.user_agent,
          notifyReplies: c.notify_replies,
          reasons: c.reasons,
          createdAt: iso(c.created_at),
          editedAt: iso(c.edited_at),
          updatedAt: iso(c.updated_at),
          source: origin ? { source: origin.source, id: origin.sourceId } : null,
          reports: (reports.get(c.id) ?? []).map((r) => ({
            reason: r.reason,
            details: r.details,
            ipKey: r.ip_key,
            createdAt: iso(r.created_at),
            resolvedAt: iso(r.resolved_at),
          })),
        }) + '\n'
    }
    if (out) yield out
    if (page.length < PAGE) break
    afterSeq = page[page.length - 1]!.seq
  }

  for (const a of await findAuthorsBySite(db, siteId))
    yield JSON.stringify({ type: 'author', handle: a.handle, name: a.name, email: a.email, notify: a.notify, createdAt: iso(a.created_at) }) + '\n'
  for (const b of await findBansBySite(db, siteId))
    yield JSON.stringify({ type: 'ban', id: b.id, email: b.email, ipKey: b.ip_key, reason: b.reason, expiresAt: iso(b.expires_at), createdAt: iso(b.created_at) }) + '\n'
  yield JSON.stringify({ type: 'end', threads, comments }) + '\n'
}
