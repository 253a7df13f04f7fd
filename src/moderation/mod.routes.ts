import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireModerator, sameOriginOnly } from '../auth/session.js'
import type { AppEnv, ModeratorIdentity } from '../deps.js'
import { parseOrThrow, validate } from '../http/validate.js'
import { siteSettingsPatchSchema } from '../sites/settings.js'
import {
  addAuthor,
  authorHandleSchema,
  createAuthorSchema,
  editAuthor,
  getSiteSettings,
  listAuthors,
  patchSiteSettings,
  removeAuthor,
  updateAuthorSchema,
} from '../sites/site-admin.service.js'
import { siteIdSchema } from '../sites/site.service.js'
import { privacyAdminRoutes } from '../privacy/privacy-admin.routes.js'
import { importRoutes } from '../imports/import.routes.js'
import { teamRoutes } from '../auth/team.routes.js'
import { listThreads, patchThread, patchThreadSchema, threadsQuerySchema } from '../threads/thread-admin.service.js'
import { applyModerationAction } from './actions.service.js'
import { auditQuerySchema, listAudit } from './audit.service.js'
import { createBan, createBanSchema, listBans, removeBan } from './bans.service.js'
import { listQueue, modCommentsByIds, queueQuerySchema } from './queue.service.js'
import { MODERATION_ACTIONS } from './transitions.js'
import { replyAsStaff } from './staff-reply.service.js'
import { bodySchema } from '../comments/comment.schemas.js'

const idSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'is not an id')
const reasonSchema = z.string().trim().max(500).optional()
const actionSchema = z.object({ action: z.enum(MODERATION_ACTIONS), reason: reasonSchema })
const bulkActionSchema = actionSchema.extend({
  ids: z.array(idSchema).min(1, 'at least one id is required').max(200, 'at most 200 ids at once'),
})

const staffReplySchema = z.object({ body: bodySchema })

const me = (c: Context<AppEnv>): ModeratorIdentity => c.var.moderator!
const param = <S extends z.ZodType>(c: Context<AppEnv>, name: string, schema: S): z.output<S> =>
  parseOrThrow(z.object({ [name]: schema }), { [name]: c.req.param(name) })[name] as z.output<S>

async function act(c: Context<AppEnv>, ids: string[], input: z.infer<typeof actionSchema>) {
  const deps = c.var.deps
  const m = me(c)
  await deps.db.transaction().execute((trx) =>
    applyModerationAction(trx, deps, { ids, action: input.action, actor: { id: m.id, email: m.email, sites: m.sites }, reason: input.reason || null }),
  )
  return modCommentsByIds(deps, ids)
}

/**
 * The moderator API (API.md "Moderator API"). Every route needs a session (401), and a
 * state-changing request from another origin is refused (403) before anything else runs.
 */
export const modRoutes = new Hono<AppEnv>()
  .use('*', sameOriginOnly())
  .use('*', requireModerator())
  .use('*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'private, no-store')
  })

  // Queues and actions
  .get('/queue', async (c) => c.json(await listQueue(c.var.deps, me(c), parseOrThrow(queueQuerySchema, c.req.query()))))
  .post('/comments/:id/actions', validate('json', actionSchema), async (c) => {
    const [comment] = await act(c, [param(c, 'id', idSchema)], c.req.valid('json'))
    return c.json({ comment })
  })
  .post('/comments/:id/reply', validate('json', staffReplySchema), async (c) => {
    const r = await replyAsStaff(c.var.deps, me(c), param(c, 'id', idSchema), c.req.valid('json').body, {
      ip: c.var.deps.clientIp(c),
      userAgent: c.req.header('user-agent') ?? '',
    })
    return c.json({ comment: r.comment }, r.status)
  })
  .post('/actions', validate('json', bulkActionSchema), async (c) => {
    const input = c.req.valid('json')
    return c.json({ items: await act(c, [...new Set(input.ids)], input) })
  })

  // Bans
  .post('/bans', validate('json', createBanSchema), async (c) => {
    const r = await createBan(c.var.deps, me(c), c.req.valid('json'))
    return c.json({ ban: r.ban, rejected: r.rejected }, 201)
  })
  .get('/bans', async (c) => {
    const { site } = parseOrThrow(z.object({ site: siteIdSchema.optional() }), c.req.query())
    return c.json({ items: await listBans(c.var.deps, me(c), site) })
  })
  .delete('/bans/:id', async (c) => {
    await removeBan(c.var.deps, me(c), param(c, 'id', idSchema))
    return c.body(null, 204)
  })

  // Site settings and article authors
  .get('/sites/:site/settings', async (c) =>
    c.json(await getSiteSettings(c.var.deps, me(c), param(c, 'site', siteIdSchema))),
  )
  .patch('/sites/:site/settings', validate('json', siteSettingsPatchSchema), async (c) =>
    c.json(await patchSiteSettings(c.var.deps, me(c), param(c, 'site', siteIdSchema), c.req.valid('json'))),
  )
  .get('/sites/:site/authors', async (c) =>
    c.json({ items: await listAuthors(c.var.deps, me(c), param(c, 'site', siteIdSchema)) }),
  )
  .post('/sites/:site/authors', validate('json', createAuthorSchema), async (c) => {
    const deps = c.var.deps
    const author = await addAuthor(deps.db, me(c), param(c, 'site', siteIdSchema), c.req.valid('json'), deps.clock.now())
    return c.json({ author }, 201)
  })
  .patch('/sites/:site/authors/:handle', validate('json', updateAuthorSchema), async (c) => {
    const site = param(c, 'site', siteIdSchema)
    const author = await editAuthor(c.var.deps, me(c), site, param(c, 'handle', authorHandleSchema), c.req.valid('json'))
    return c.json({ author })
  })
  .delete('/sites/:site/authors/:handle', async (c) => {
    await removeAuthor(c.var.deps, me(c), param(c, 'site', siteIdSchema), param(c, 'handle', authorHandleSchema))
    return c.body(null, 204)
  })

  // The site's team: who moderates or administers it (admins of the site)
  .route('/', teamRoutes)

  // Threads
  .get('/threads', async (c) => c.json(await listThreads(c.var.deps, me(c), parseOrThrow(threadsQuerySchema, c.req.query()))))
  .patch('/threads/:id', validate('json', patchThreadSchema), async (c) =>
    c.json({ thread: await patchThread(c.var.deps, me(c), param(c, 'id', idSchema), c.req.valid('json')) }),
  )

  // Readers' data, for admins answering a request (src/privacy)
  .route('/privacy', privacyAdminRoutes)
  // Import and export (admins of the site)
  .route('/', importRoutes)

  // Audit log
  .get('/audit', async (c) => c.json(await listAudit(c.var.deps, me(c), parseOrThrow(auditQuerySchema, c.req.query()))))
