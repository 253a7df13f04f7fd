import { z } from 'zod'
import { findCommentById } from '../comments/comment.repository.js'
import { toDate } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { notFound, validationFailed } from '../errors.js'
import { newId } from '../lib/ids.js'
import { normaliseEmail } from '../privacy/keys.js'
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { assertAdmin, assertSiteAccess } from './access.js'
import { applyModerationAction } from './actions.service.js'
import { insertAuditEntry } from './audit.repository.js'
import { deleteBanById, findBanById, findBans, findLiveCommentIdsBy, insertBan, type BanRow } from './bans.repository.js'

export const createBanSchema = z
  .object({
    // Omitted: a global ban (admins of every site only).
    site: siteIdSchema.optional(),
    email: z.email('must be a valid email address').max(254).optional(),
    // The id of a comment whose IP to ban: moderators never see or type raw IPs.
    ip: z.string().regex(/^[a-z0-9]{1,64}$/, 'must be the id of a comment').optional(),
    reason: z.string().trim().min(1, 'is required').max(500),
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' }).nullable().optional(),
    rejectExisting: z.boolean().default(false),
  })
  .refine((b) => b.email !== undefined || b.ip !== undefined, { path: ['email'], message: 'give an email or an ip (comment id) to ban' })
export type CreateBanInput = z.infer<typeof createBanSchema>

export interface Ban {
  id: string
  site: string | null
  email: string | null
  ipHash: string | null
  reason: string
  expiresAt: string | null
  createdAt: string
  createdBy: { id: string; email: string | null } | null
  active: boolean
}

function toBan(r: BanRow, now: Date): Ban {
  const expires = r.expires_at ? toDate(r.expires_at) : null
  return {
    id: r.id,
    site: r.site_id,
    email: r.email,
    ipHash: r.ip_key,
    reason: r.reason,
    expiresAt: expires ? expires.toISOString() : null,
    createdAt: toDate(r.created_at).toISOString(),
    createdBy: r.created_by ? { id: r.created_by, email: r.created_by_email ?? null } : null,
    active: expires === null || expires.getTime() > now.getTime(),
  }
}

/** Bans an email and/or a comment's IP, site-wide or globally; optionally rejects their live comments in the same transaction. */
export async function createBan(deps: Deps, m: ModeratorIdentity, input: CreateBanInput): Promise<{ ban: Ban; rejected: string[] }> {
  const now = deps.clock.now()
  const siteId = input.site ?? null
  if (siteId) {
    assertSiteAccess(m, siteId)
    await requireSite(deps.db, siteId)
  } else assertAdmin(m, null)
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw validationFailed([{ path: 'expiresAt', message: 'must be in the future' }])

  let ipKey: string | null = null
  if (input.ip) {
    const comment = await findCommentById(deps.db, input.ip)
    if (!comment) throw notFound(`No comment with id ${input.ip}.`)
    assertSiteAccess(m, comment.site_id)
    if (siteId && comment.site_id !== siteId) throw validationFailed([{ path: 'ip', message: 'must be a comment on the banned site' }])
    if (!comment.ip_key) throw validationFailed([{ path: 'ip', message: 'that comment has no IP on record' }])
    ipKey = comment.ip_key
  }
  const email = input.email ? normaliseEmail(input.email) : null
  const emailKey = email ? await deps.keys.emailKey(email) : null
  const id = newId()
  const actor = { id: m.id, email: m.email, sites: m.sites }

  const rejected = await deps.db.transaction().execute(async (trx) => {
    await insertBan(trx, { id, siteId, email, emailKey, ipKey, reason: input.reason, expiresAt, createdBy: m.id, now })
    await insertAuditEntry(trx, {
      siteId,
      commentId: input.ip ?? null,
      actor: { id: m.id, email: m.email },
      action: 'ban',
      from: null,
      to: null,
      reason: input.reason,
      details: { banId: id, email: email !== null, ip: ipKey !== null, expiresAt: expiresAt?.toISOString() ?? null, rejectExisting: input.rejectExisting },
      at: now,
    })
    if (!input.rejectExisting) return []
    const ids = await findLiveCommentIdsBy(trx, { siteId, emailKey, ipKey })
    if (ids.length) await applyModerationAction(trx, deps, { ids, action: 'reject', actor, reason: input.reason, via: 'ban' })
    return ids
  })
  const row = await findBanById(deps.db, id)
  deps.log.info('ban created', { ban: id, site: siteId, rejected: rejected.length })
  return { ban: toBan({ ...row!, created_by_email: m.email }, now), rejected }
}

export async function listBans(deps: Deps, m: ModeratorIdentity, site: string | undefined): Promise<Ban[]> {
  if (site) assertSiteAccess(m, site)
  const rows = await findBans(deps.db, site ? [site] : m.sites, 500)
  const now = deps.clock.now()
  return rows.map((r) => toBan(r, now))
}

export async function removeBan(deps: Deps, m: ModeratorIdentity, id: string): Promise<void> {
  const ban = await findBanById(deps.db, id)
  if (!ban) throw notFound('No such ban.')
  if (ban.site_id === null) assertAdmin(m, null)
  else assertSiteAccess(m, ban.site_id)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await deleteBanById(trx, id)
    await insertAuditEntry(trx, {
      siteId: ban.site_id,
      commentId: null,
      actor: { id: m.id, email: m.email },
      action: 'unban',
      from: null,
      to: null,
      reason: ban.reason,
      details: { banId: id },
      at: now,
    })
  })
}
