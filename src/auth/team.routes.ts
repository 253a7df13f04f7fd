import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.js'
import { notFound } from '../errors.js'
import { parseOrThrow, validate } from '../http/validate.js'
import { siteIdSchema } from '../sites/site.service.js'
import { addMemberSchema, addTeamMember, changeTeamRole, listTeam, patchMemberSchema, removeTeamMember, toTeamMemberJson } from './team.service.js'

const userIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/)
const siteOf = (c: Context<AppEnv>) => parseOrThrow(z.object({ site: siteIdSchema }), { site: c.req.param('site') }).site
/** A malformed user id names nobody, so nobody on the team: 404 like any other stranger. */
function userOf(c: Context<AppEnv>): string {
  const id = c.req.param('userId')
  if (!userIdSchema.safeParse(id).success) throw notFound('No such member of this site’s team.')
  return id!
}

/**
 * A site's team (docs/api.md "Team"), for admins of that site; mounted under /api/mod, whose
 * guards (session, same origin, no-store) apply.
 */
export const teamRoutes = new Hono<AppEnv>()
  .get('/sites/:site/team', async (c) => {
    const items = await listTeam(c.var.deps, c.var.moderator!, siteOf(c))
    return c.json({ items: items.map(toTeamMemberJson) })
  })
  .post('/sites/:site/team', validate('json', addMemberSchema), async (c) => {
    const r = await addTeamMember(c.var.deps, c.var.moderator!, siteOf(c), c.req.valid('json'))
    return c.json({ member: r.member, invited: r.invited, setPasswordUrl: r.setPasswordUrl }, 201)
  })
  .patch('/sites/:site/team/:userId', validate('json', patchMemberSchema), async (c) => {
    const member = await changeTeamRole(c.var.deps, c.var.moderator!, siteOf(c), userOf(c), c.req.valid('json').role)
    return c.json({ member })
  })
  .delete('/sites/:site/team/:userId', async (c) => {
    await removeTeamMember(c.var.deps, c.var.moderator!, siteOf(c), userOf(c))
    return c.body(null, 204)
  })
