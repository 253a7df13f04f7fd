import type { CommentRow } from '../../db/schema.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { applyModerationAction, type Actor } from '../moderation/actions.service.js'
import { findLastChangeTo } from '../moderation/audit.repository.js'
import { nextStatus } from '../moderation/transitions.js'
import { toDate } from '../db/index.js'
import { getSite, type Site } from '../sites/site.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import { findUsersOfSite } from './recipients.repository.js'
import { confirmSubscription, findSubscription, lockSubscription, unsubscribe } from './subscriptions.repository.js'
import { verifyToken, type ModerateSubject } from './tokens.js'

/**
 * What the links in emails do. Each function verifies its token first; null means the
 * token is bad, expired or for another purpose, and nothing was looked at or changed.
 */

export type LinkOutcome = 'done' | 'already' | 'missing'

export async function inspectSubscriptionToken(
  deps: Deps,
  purpose: 'confirm' | 'unsubscribe',
  token: string | undefined,
): Promise<{ site: Site | null; subscribed: boolean | null } | null> {
  const s = await verifyToken(deps.keys, purpose, token, deps.clock.now())
  if (!s) return null
  const sub = await findSubscription(deps.db, s.site, s.key)
  return {
    site: (await getSite(deps.db, s.site)) ?? null,
    subscribed: sub ? sub.confirmed_at !== null && sub.unsubscribed_at === null : null,
  }
}

export async function confirmByToken(deps: Deps, token: string | undefined): Promise<{ outcome: LinkOutcome; site: Site | null } | null> {
  const now = deps.clock.now()
  const s = await verifyToken(deps.keys, 'confirm', token, now)
  if (!s) return null
  const outcome = await deps.db.transaction().execute(async (trx): Promise<LinkOutcome> => {
    const sub = await lockSubscription(trx, s.site, s.key)
    if (!sub) return 'missing'
    if (sub.confirmed_at && !sub.unsubscribed_at) return 'already'
    await confirmSubscription(trx, s.site, s.key, now)
    return 'done'
  })
  if (outcome === 'done') deps.log.info('email address confirmed', { site: s.site })
  return { outcome, site: (await getSite(deps.db, s.site)) ?? null }
}

export async function unsubscribeByToken(deps: Deps, token: string | undefined): Promise<{ outcome: LinkOutcome; site: Site | null } | null> {
  const now = deps.clock.now()
  const s = await verifyToken(deps.keys, 'unsubscribe', token, now)
  if (!s) return null
  const outcome = await deps.db.transaction().execute(async (trx): Promise<LinkOutcome> => {
    const sub = await lockSubscription(trx, s.site, s.key)
    if (!sub) return 'missing'
    if (sub.unsubscribed_at) return 'already'
    await unsubscribe(trx, s.site, s.key, now)
    return 'done'
  })
  if (outcome === 'done') deps.log.info('email address unsubscribed', { site: s.site })
  return { outcome, site: (await getSite(deps.db, s.site)) ?? null }
}

export const ACTION_TARGET = { approve: 'approved', reject: 'rejected', spam: 'spam' } as const
export const ACTION_LABEL = { approve: 'Approve', reject: 'Reject', spam: 'Mark as spam' } as const

export interface ModerationView {
  subject: ModerateSubject
  site: Site
  comment: CommentRow
  threadTitle: string
  /** Once the comment is no longer pending: who put it in its status (null: the system), and when. */
  decided: { by: string | null; at: Date } | null
}

/** Whether the link's action still changes anything: not when the comment already is there, or cannot go there. */
export function linkStillActs(view: ModerationView): boolean {
  const target = ACTION_TARGET[view.subject.action]
  return view.comment.status !== target && nextStatus(view.subject.action, view.comment.status, view.comment.open_reports) !== null
}

/** The comment a moderation link names, for the confirmation page. Null: bad token. */
export async function inspectModerationToken(
  deps: Deps,
  token: string | undefined,
): Promise<ModerationView | 'missing' | null> {
  const s = await verifyToken(deps.keys, 'moderate', token, deps.clock.now())
  if (!s) return null
  const comment = await deps.db.selectFrom('comments').selectAll().where('id', '=', s.comment).executeTakeFirst()
  if (!comment) return 'missing'
  const site = await getSite(deps.db, comment.site_id)
  if (!site) return 'missing'
  const thread = await findThreadById(deps.db, comment.thread_id)
  let decided: ModerationView['decided'] = null
  if (comment.status !== 'pending') {
    const row = await findLastChangeTo(deps.db, comment.id, comment.status)
    decided = row ? { by: row.actor_email, at: toDate(row.at) } : null
  }
  return { subject: s, site, comment, threadTitle: thread?.title || thread?.uri || '', decided }
}

export type ModerationOutcome =
  | { outcome: 'done' | 'already'; view: ModerationView; status: string }
  | { outcome: 'not_allowed'; view: ModerationView; status: string }
  | { outcome: 'not_a_moderator'; view: ModerationView }
  | { outcome: 'missing' }

/**
 * Applies the action a moderation link names, as the moderator it was sent to: a user with
 * that address acts as themselves; an address from the site's moderatorEmails acts as the
 * system, with the address recorded in the audit row. Anyone else no longer may.
 */
export async function moderateByToken(deps: Deps, token: string | undefined): Promise<ModerationOutcome | null> {
  const view = await inspectModerationToken(deps, token)
  if (view === null) return null
  if (view === 'missing') return { outcome: 'missing' }
  const { subject, site } = view
  const target = ACTION_TARGET[subject.action]

  let actor: Actor | null = null
  let actorEmail: string | null = null
  for (const u of await findUsersOfSite(deps.db, site.id)) {
    if ((await deps.keys.emailKey(u.email)) === subject.to) {
      actor = { id: u.id, email: u.email, sites: u.sites }
      break
    }
  }
  if (!actor) {
    for (const e of site.settings.moderatorEmails) {
      if ((await deps.keys.emailKey(e)) === subject.to) {
        actorEmail = e
        break
      }
    }
    if (!actorEmail) return { outcome: 'not_a_moderator', view }
  }

  const result = await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('comments').select(['status']).where('id', '=', subject.comment).forUpdate().executeTakeFirst()
    if (!row) return { outcome: 'missing' as const }
    if (row.status === target) return { outcome: 'already' as const, status: row.status }
    try {
      await applyModerationAction(trx, deps, { ids: [subject.comment], action: subject.action, actor, reason: null, via: 'email' })
    } catch (err) {
      if (err instanceof AppError && (err.code === 'invalid_transition' || err.code === 'forbidden'))
        return { outcome: 'not_allowed' as const, status: row.status }
      throw err
    }
    if (!actor && actorEmail) {
      // The system acted on behalf of an address that has no user row: name it in the audit.
      await trx
        .updateTable('moderation_actions')
        .set({ actor_email: actorEmail })
        .where('id', '=', (eb) =>
          eb.selectFrom('moderation_actions').select((e) => e.fn.max('id').as('id')).where('comment_id', '=', subject.comment),
        )
        .execute()
    }
    return { outcome: 'done' as const, status: target as string }
  })
  if (result.outcome === 'missing') return { outcome: 'missing' }
  if (result.outcome === 'done') deps.log.info('comment moderated from email', { site: site.id, id: subject.comment, action: subject.action })
  return { ...result, view }
}
