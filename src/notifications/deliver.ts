import type { Deps } from '../deps.js'

/**
 * The seam the Workers cron trigger (src/server.worker.ts `scheduled`) calls: claim up to
 * `limit` due rows of the email outbox, send them through `deps.mailer`, record the outcome.
 * It delivers nothing until the email outbox (src/notifications/outbox.ts) is wired in here.
 */
export async function deliverDue(_deps: Deps, _opts: { limit: number }): Promise<{ sent: number; failed: number }> {
  return { sent: 0, failed: 0 }
}
