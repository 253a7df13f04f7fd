import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { AppError } from '../errors.js'
import { auditQuerySchema, listAudit } from '../moderation/audit.service.js'
import { me, mySites } from './form.js'
import { AuditPage } from './audit.js'

/** The audit log: who did what to which comment, and what the pipeline decided. */
export const auditRoutes = new Hono<AppEnv>().get('/audit', async (c) => {
  const deps = c.var.deps
  const m = me(c)
  const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''))
  const parsed = auditQuerySchema.safeParse(query)
  if (!parsed.success) throw new AppError('validation_failed', 400, 'Those filters are not valid.')
  const [sites, r] = await Promise.all([mySites(deps, m), listAudit(deps, m, parsed.data)])
  return c.html(<AuditPage m={m} sites={sites} filter={{ site: parsed.data.site, actor: parsed.data.actor, commentId: parsed.data.commentId }} items={r.items} nextCursor={r.nextCursor} />)
})
