import { followDigest } from '../../emails/index.js'
import type { Deps } from '../deps.js'
import { sha256Hex } from '../lib/ids.js'
import { startLoop, type Loop } from '../lib/loop.js'
import { articleUrl, commentOnPageUrl, commenterHeaders, followUnsubscribeUrl, privacyRequestUrl } from '../notifications/links.js'
import { enqueueMail } from '../notifications/outbox.js'
import { getSite, type Site } from '../sites/site.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import { claimDueFollow, findWaitingComments, finishDigest, isFollowing } from './follow.repository.js'

/**
 * The digest job: each follow whose digest is due gets ONE email listing every comment that
 * waited for it and is still published, however many there are. The email goes into the outbox
 * in the same transaction that takes those comments off the follow's list and records the
 * digest's time, so a crash before the commit leaves the follow due (nothing sent, nothing
 * lost), and after it the outbox delivers the email like any other (never written twice: the
 * comments it lists no longer wait). Runtime-free: the Node worker loop and the Workers cron call it.
 */
export async function sendDueDigests(deps: Deps, opts: { limit?: number; shouldStop?: () => boolean } = {}): Promise<{ followsDue: number; digests: number }> {
  const limit = opts.limit ?? 200
  const sites = new Map<string, Site | undefined>()
  const report = { followsDue: 0, digests: 0 }
  while (report.followsDue < limit && !opts.shouldStop?.()) {
    const now = deps.clock.now()
    const r = await deps.db.transaction().execute(async (trx) => {
      const f = await claimDueFollow(trx, now)
      if (!f) return null
      const waiting = await findWaitingComments(trx, f.id)
      if (!sites.has(f.site_id)) sites.set(f.site_id, await getSite(trx, f.site_id))
      const site = sites.get(f.site_id)
      // Removed (or held again) since it was published: not sent. (The follower's own never waited: queueForFollowers.)
      const news = waiting.filter((c) => c.status === 'approved')
      const thread = news.length ? await findThreadById(trx, f.thread_id) : undefined
      let sent = false
      if (site && site.settings.follows && thread && isFollowing(f) && news.length) {
        const unsubscribe = await followUnsubscribeUrl(deps, site.id, f.id)
        const mail = followDigest({
          siteName: site.name,
          threadTitle: thread.title || thread.uri,
          threadUrl: articleUrl(site, thread.uri),
          comments: news.map((c) => ({ authorName: c.author_name, text: c.body_md, url: commentOnPageUrl(site, thread.uri, c.id) })),
          unsubscribeUrl: unsubscribe,
          privacyUrl: privacyRequestUrl(deps, site.id, f.lang),
          lang: f.lang,
        })
        sent = await enqueueMail(trx, deps, {
          kind: 'follow_digest',
          siteId: site.id,
          to: f.email,
          ...mail,
          headers: commenterHeaders(unsubscribe),
          // One digest per follow per set of comments, whatever happens around it.
          dedupeKey: `digest:${f.id}:${sha256Hex(news.map((c) => c.id).join(',')).slice(0, 32)}`,
        })
      }
      await finishDigest(
        trx,
        f.id,
        waiting.map((c) => c.id),
        sent ? now : null,
      )
      return sent
    })
    if (r === null) break
    report.followsDue++
    if (r) report.digests++
  }
  if (report.digests) deps.log.info('follow digests written', { digests: report.digests })
  return report
}

/** The digest job in the background loop (next to the outbox worker): every `intervalMs`. */
export function startDigestWorker(deps: Deps, opts: { intervalMs: number }): Loop {
  return startLoop(deps.log, 'digest round failed', opts.intervalMs, async (isStopped) => {
    await sendDueDigests(deps, { shouldStop: isStopped })
  })
}
