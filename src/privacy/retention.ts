import { sql } from 'kysely'
import type { Deps } from '../deps.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { readSettings } from '../sites/settings.js'
import { refreshThread } from '../threads/thread.repository.js'
import {
  clearStaleIpKeys,
  clearStaleReportIpKeys,
  deleteDevMailByMessageIds,
  deleteMailAboutComments,
  deleteOldPrivacyRequests,
  deleteStaleComments,
} from './privacy.repository.js'
import { startLoop } from '../lib/loop.js'
import { clearOldFollowIpKeys, deleteUnconfirmedFollows } from '../follows/follow.repository.js'

/**
 * Retention: a site forgets on its own. Per site settings (days; 0 keeps forever):
 * `spamRetentionDays` and `rejectedRetentionDays` delete comments that have been spam /
 * rejected that long (with their reports and the emails about them); `ipRetentionDays` clears
 * the IP keys and user agents of older comments (and of older reports). Runtime-free: the Node
 * worker loop and the Workers cron both call `purgeIfDue`.
 */

const DAY_MS = 86_400_000
const BATCH = 500
/** How often a purge runs (claimed in the database, so several workers run it once). */
export const RETENTION_INTERVAL_MS = 3600_000
const META_KEY = 'retention_last_run'

export interface PurgeReport {
  site: string
  spam: number
  rejected: number
  ipCleared: number
  reportIpCleared: number
}

async function purgeStatus(deps: Deps, siteId: string, status: 'spam' | 'rejected', before: Date): Promise<number> {
  let total = 0
  for (;;) {
    const { rows, threads } = await deps.db.transaction().execute(async (trx) => {
      const rows = await deleteStaleComments(trx, { siteId, status, before, limit: BATCH })
      const messageIds = await deleteMailAboutComments(trx, rows.map((r) => r.id))
      await deleteDevMailByMessageIds(trx, messageIds)
      const threads = [...new Set(rows.map((r) => r.thread_id))]
      for (const t of threads) await refreshThread(trx, t, deps.clock.now())
      return { rows, threads }
    })
    for (const t of threads) deps.threadCache?.invalidateThread(t)
    total += rows.length
    // A batch may free parents whose replies it deleted: go on until nothing is left.
    if (rows.length === 0) return total
  }
}

/** One site's purge, as its settings say. */
export async function purgeSite(deps: Deps, siteId: string, stored: unknown): Promise<PurgeReport> {
  const s = readSettings(stored)
  const now = deps.clock.now().getTime()
  const report: PurgeReport = { site: siteId, spam: 0, rejected: 0, ipCleared: 0, reportIpCleared: 0 }
  if (s.spamRetentionDays > 0) report.spam = await purgeStatus(deps, siteId, 'spam', new Date(now - s.spamRetentionDays * DAY_MS))
  if (s.rejectedRetentionDays > 0) report.rejected = await purgeStatus(deps, siteId, 'rejected', new Date(now - s.rejectedRetentionDays * DAY_MS))
  if (s.ipRetentionDays > 0) {
    const before = new Date(now - s.ipRetentionDays * DAY_MS)
    for (;;) {
      const n = await clearStaleIpKeys(deps.db, { siteId, before, limit: BATCH * 4 })
      report.ipCleared += n
      if (n === 0) break
    }
    report.reportIpCleared = await clearStaleReportIpKeys(deps.db, siteId, before)
  }
  if (report.spam || report.rejected || report.ipCleared) {
    await insertAuditEntry(deps.db, {
      siteId,
      commentId: null,
      actor: null,
      action: 'retention_purge',
      from: null,
      to: null,
      reason: 'Retention settings.',
      details: { spam: report.spam, rejected: report.rejected, ipCleared: report.ipCleared },
      at: deps.clock.now(),
    })
  }
  return report
}

/** Every site's purge, plus privacy requests older than a day and stale follow data. Logs the counts. */
export async function purgeAll(deps: Deps): Promise<PurgeReport[]> {
  const sites = await deps.db.selectFrom('sites').select(['id', 'settings']).orderBy('id').execute()
  const reports: PurgeReport[] = []
  for (const site of sites) {
    const r = await purgeSite(deps, site.id, site.settings)
    reports.push(r)
    if (r.spam || r.rejected || r.ipCleared || r.reportIpCleared) deps.log.info('retention purge', { ...r })
  }
  const requests = await deleteOldPrivacyRequests(deps.db, new Date(deps.clock.now().getTime() - DAY_MS))
  if (requests) deps.log.info('retention purge', { privacyRequests: requests })
  // Follows (issue 15): request IP keys only matter for an hour's rate limit; a follow never
  // confirmed goes (with its address) a day after its last confirmation link expired.
  const followIps = await clearOldFollowIpKeys(deps.db, new Date(deps.clock.now().getTime() - DAY_MS))
  const unconfirmed = await deleteUnconfirmedFollows(deps.db, new Date(deps.clock.now().getTime() - 8 * DAY_MS))
  if (followIps || unconfirmed) deps.log.info('retention purge', { followIpCleared: followIps, unconfirmedFollows: unconfirmed })
  return reports
}

/**
 * Runs `purgeAll` when the last run (any worker's) is older than RETENTION_INTERVAL_MS. The
 * claim is one UPDATE in the database, so workers on several machines purge once an hour.
 */
export async function purgeIfDue(deps: Deps, intervalMs = RETENTION_INTERVAL_MS): Promise<PurgeReport[] | null> {
  const now = deps.clock.now()
  const due = new Date(now.getTime() - intervalMs).toISOString()
  await deps.db.insertInto('meta').values({ key: META_KEY, value: '1970-01-01T00:00:00.000Z' }).onConflict((oc) => oc.column('key').doNothing()).execute()
  const claimed = await deps.db
    .updateTable('meta')
    .set({ value: now.toISOString() })
    .where('key', '=', META_KEY)
    .where(sql<boolean>`value::timestamptz <= ${due}::timestamptz`)
    .executeTakeFirst()
  if (Number(claimed.numUpdatedRows) === 0) return null
  return purgeAll(deps)
}

export interface RetentionWorker {
  stop(): Promise<void>
}

/** The Node loop next to the outbox worker: checks every `intervalMs`, purges at most hourly. */
export function startRetentionWorker(deps: Deps, opts: { intervalMs?: number } = {}): RetentionWorker {
  return startLoop(deps.log, 'retention purge failed', opts.intervalMs ?? 60_000, async () => {
    await purgeIfDue(deps)
  })
}
