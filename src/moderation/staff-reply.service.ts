import type { Deps, ModeratorIdentity } from '../deps.js'
import { notFound } from '../errors.js'
import { findCommentById } from '../comments/comment.repository.js'
import { postComment, type RequestInfo } from '../comments/comment.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import { requireSite } from '../sites/site.service.js'
import { assertSiteAccess } from './access.js'
import { modCommentsByIds } from './queue.service.js'
import type { ModComment } from './mod.mapper.js'

/**
 * "Reply as staff": a moderator answers a published comment from the desk. The reply is an
 * ordinary comment of the thread posted by the signed-in moderator (published by pipeline phase 7,
 * after the same refusals as any comment), under their desk name, with their address kept for
 * moderators only, and the badge that earns: "staff", or "author" for the thread's article author.
 */
export async function replyAsStaff(
  deps: Deps,
  m: ModeratorIdentity,
  parentId: string,
  body: string,
  req: Omit<RequestInfo, 'moderator'>,
): Promise<{ comment: ModComment; status: 201 | 202 }> {
  const parent = await findCommentById(deps.db, parentId)
  if (!parent) throw notFound('No such comment.')
  assertSiteAccess(m, parent.site_id)
  const [site, thread, user] = await Promise.all([
    requireSite(deps.db, parent.site_id),
    findThreadById(deps.db, parent.thread_id),
    deps.db.selectFrom('users').select('name').where('id', '=', m.id).executeTakeFirst(),
  ])
  if (!thread) throw notFound('No such comment.')
  const r = await postComment(
    deps,
    site,
    { site: site.id, uri: thread.uri, parentId, body, name: user?.name.trim() || 'Staff', email: m.email, notifyReplies: false },
    { ...req, moderator: m },
  )
  const [comment] = await modCommentsByIds(deps, [r.comment.id])
  return { comment: comment!, status: r.httpStatus }
}
