import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { allowSiteOrigin } from '../http/cors.js'
import { validate } from '../http/validate.js'
import { requireSite } from '../sites/site.service.js'
import {
  erasePrivacyData,
  exportPrivacyData,
  privacyRequestSchema,
  privacySubject,
  privacyTokenSchema,
  requestPrivacyLink,
  stopAllEmails,
} from './privacy.service.js'

/**
 * Readers' data rights, public JSON API (docs/api.md "Privacy"). No account: a reader asks for
 * a signed link by email; the link's token authorises the rest. Nothing here is cacheable.
 */
export const privacyRoutes = new Hono<AppEnv>()
  .use('/privacy/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
  })
  // 202 {"ok": true} for every address: whether the site knows it is never revealed.
  .post('/privacy/requests', validate('json', privacyRequestSchema), async (c) => {
    const deps = c.var.deps
    const input = c.req.valid('json')
    const site = await requireSite(deps.db, input.site)
    allowSiteOrigin(c, site)
    await requestPrivacyLink(deps, site, input.email, deps.clientIp(c), input.lang)
    return c.json({ ok: true }, 202)
  })
  .post('/privacy/export', validate('json', privacyTokenSchema), async (c) => {
    const { subject, site } = await privacySubject(c.var.deps, c.req.valid('json').token)
    allowSiteOrigin(c, site)
    return c.json(await exportPrivacyData(c.var.deps, site.id, subject.key))
  })
  .post('/privacy/unsubscribe', validate('json', privacyTokenSchema), async (c) => {
    const { subject, site } = await privacySubject(c.var.deps, c.req.valid('json').token)
    allowSiteOrigin(c, site)
    return c.json(await stopAllEmails(c.var.deps, site.id, subject.key))
  })
  .post('/privacy/erase', validate('json', privacyTokenSchema), async (c) => {
    const { subject, site } = await privacySubject(c.var.deps, c.req.valid('json').token)
    allowSiteOrigin(c, site)
    return c.json(await erasePrivacyData(c.var.deps, { siteId: site.id, emailKey: subject.key, actor: null, via: 'link' }))
  })
