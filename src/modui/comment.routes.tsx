import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { notFound } from '../errors.js'
import { assertSiteAccess } from '../moderation/access.js'
import { listAudit } from '../moderation/audit.service.js'
import { modCommentsByIds } from '../moderation/queue.service.js'
import { requireSite } from '../sites/site.service.js'
import { back, idSchema, me, str, takeFlash } from './form.js'
import { AppError } from '../errors.js'
import { replyAsStaff } from '../moderation/staff-reply.service.js'
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
}).post('/comments/:id/reply', async (c) => {
  // "Reply as staff" (the card's button leads here): publish the moderator's reply, then show it.
  const id = c.req.param('id')
  if (!idSchema.safeParse(id).success) throw notFound('No such comment.')
  const body = str(await c.req.parseBody({ all: true }), 'body').trim()
  if (!body) return back(c, `/mod/comments/${id}#reply`, { kind: 'bad', text: 'Write a reply first.' })
  try {
    const r = await replyAsStaff(c.var.deps, me(c), id, body, { ip: c.var.deps.clientIp(c), userAgent: c.req.header('user-agent') ?? '' })
    const text = r.comment.status === 'approved' ? 'Your reply is published with the ' + (r.comment.author.badge === 'author' ? 'Author' : 'Staff') + ' badge.' : `Your reply was held (${r.comment.status}).`
    return back(c, `/mod/comments/${r.comment.id}`, { kind: 'ok', text })
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && err.code !== 'not_found' && err.code !== 'forbidden')
      return back(c, `/mod/comments/${id}#reply`, { kind: 'bad', text: err.extra.fields?.length ? `Reply ${err.extra.fields.map((f) => `${f.path === 'parentId' ? 'target' : f.path} ${f.message}`).join('; ')}.` : err.message })
    throw err
  }
})
