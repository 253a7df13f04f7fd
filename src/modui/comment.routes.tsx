import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { notFound } from '../errors.js'
import { assertSiteAccess } from '../moderation/access.js'
import { listAudit } from '../moderation/audit.service.js'
import { modCommentsByIds } from '../moderation/queue.service.js'
import { requireSite } from '../sites/site.service.js'
import { idSchema, me, takeFlash } from './form.js'
import { CommentPage } from './comment.js'

/** One comment in full: what readers see, who wrote it, why it was held, its reports and history. */
export const commentRoutes = new Hono<AppEnv>().get('/comments/:id', async (c) => {
  const deps = c.var.deps
  const m = me(c)
  const id = c.req.param('id')
  if (!idSchema.safeParse(id).success) throw notFound('No such comment.')
  const [comment] = await modCommentsByIds(deps, [id])
  if (!comment) throw notFound('No such comment.')
  assertSiteAccess(m, comment.site)
  const [site, audit] = await Promise.all([requireSite(deps.db, comment.site), listAudit(deps, m, { site: comment.site, commentId: id, limit: 50 })])
  return c.html(<CommentPage m={m} site={site} c={comment} audit={audit.items} flash={takeFlash(c)} />)
})
