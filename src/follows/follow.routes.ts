import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { allowSiteOrigin } from '../http/cors.js'
import { validate } from '../http/validate.js'
import { requireSite } from '../sites/site.service.js'
import { followRequestSchema, requestFollow } from './follow.service.js'

/**
 * `POST /api/follows` (docs/api.md, "Following a discussion"): 202 {"ok": true} for every
 * address, following already or not; the emailed link confirms.
 */
export const followRoutes = new Hono<AppEnv>().post('/follows', validate('json', followRequestSchema), async (c) => {
  const deps = c.var.deps
  const input = c.req.valid('json')
  const site = await requireSite(deps.db, input.site)
  allowSiteOrigin(c, site)
  await requestFollow(deps, site, input, deps.clientIp(c))
  c.header('Cache-Control', 'no-store')
  return c.json({ ok: true }, 202)
})
