import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { parseOrThrow, validate } from '../http/validate.js'
import { adminErase, adminExport, adminPrivacySchema } from './privacy.service.js'

/**
 * Admins answer a reader's request from the desk or a script (mounted under /api/mod, behind its
 * session and same-origin guards): `GET /api/mod/privacy?site=&email=` → the export's JSON,
 * `POST /api/mod/privacy/erase {"site","email"}` → the erase's answer. Moderators get 403.
 */
export const privacyAdminRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const q = parseOrThrow(adminPrivacySchema, { site: c.req.query('site'), email: c.req.query('email') })
    return c.json(await adminExport(c.var.deps, c.var.moderator!, q.site, q.email))
  })
  .post('/erase', validate('json', adminPrivacySchema), async (c) => {
    const q = c.req.valid('json')
    return c.json(await adminErase(c.var.deps, c.var.moderator!, q.site, q.email))
  })
