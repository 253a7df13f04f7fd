import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.js'
import { AppError } from '../errors.js'
import { validate } from '../http/validate.js'
import { blankSessionCookie, createSession, deleteExpiredSessions, invalidateSessionToken, sameOriginOnly, sessionTokenFrom } from './session.js'
import { findSiteRolesByUser } from './role.repository.js'
import { publicUserById, toPublicUser, verifyLogin } from './user.service.js'

const loginSchema = z.object({
  email: z.string().trim().min(1, 'is required').max(254),
  password: z.string().min(1, 'is required').max(1000),
})

/** Moderator sign-in (API.md "Moderator API"). */
export const authRoutes = new Hono<AppEnv>()
  .use('/auth/*', sameOriginOnly())
  .use('/auth/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  })
  .post('/auth/login', validate('json', loginSchema), async (c) => {
    const deps = c.var.deps
    const user = await verifyLogin(deps, c.req.valid('json'), deps.clientIp(c))
    const { cookie } = await createSession(deps, user.id)
    await deleteExpiredSessions(deps)
    c.header('Set-Cookie', cookie, { append: true })
    deps.log.info('moderator signed in', { user: user.id })
    return c.json({ user: toPublicUser(user, await findSiteRolesByUser(deps.db, user.id)) })
  })
  .post('/auth/logout', async (c) => {
    const token = sessionTokenFrom(c)
    if (token) await invalidateSessionToken(c.var.deps, token)
    c.header('Set-Cookie', blankSessionCookie(c.var.deps), { append: true })
    return c.body(null, 204)
  })
  .get('/auth/me', async (c) => {
    const m = c.var.moderator
    const user = m ? await publicUserById(c.var.deps.db, m.id) : null
    if (!user) throw new AppError('unauthenticated', 401, 'Not signed in.')
    return c.json({ user })
  })
