import { Hono } from 'hono'
import type { AppEnv } from '../deps.js'
import { notFound } from '../errors.js'
import { assertSiteAccess } from '../moderation/access.js'
import { createBan, createBanSchema, listBans, removeBan } from '../moderation/bans.service.js'
import { modCommentsByIds } from '../moderation/queue.service.js'
import { requireSite } from '../sites/site.service.js'
import { adminSite, back, fieldErrors, idSchema, me, mySites, plural, safeReturn, str, takeFlash } from './form.js'
import { BanPage, BansPage } from './bans.js'

/** Banning a commenter from a comment's card, and the list of bans in force. */
export const banRoutes = new Hono<AppEnv>()
  .get('/ban', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const id = c.req.query('comment') ?? ''
    const [comment] = idSchema.safeParse(id).success ? await modCommentsByIds(deps, [id]) : []
    if (!comment) throw notFound('No such comment.')
    assertSiteAccess(m, comment.site)
    const site = await requireSite(deps.db, comment.site)
    return c.html(
      <BanPage m={m} c={comment} site={site} canGlobal={m.globalRole === 'admin'} returnTo={safeReturn(c.req.query('return'))} errors={{}} />,
    )
  })
  .post('/ban', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const body = await c.req.parseBody({ all: true })
    const id = str(body, 'comment')
    const returnTo = safeReturn(str(body, 'return'))
    const [comment] = idSchema.safeParse(id).success ? await modCommentsByIds(deps, [id]) : []
    if (!comment) throw notFound('No such comment.')
    assertSiteAccess(m, comment.site)
    const days = Number(str(body, 'duration') || '0')
    const input = {
      ...(str(body, 'scope') === 'global' ? {} : { site: comment.site }),
      ...(str(body, 'byEmail') === '1' && comment.email ? { email: comment.email } : {}),
      ...(str(body, 'byIp') === '1' && comment.ipHash ? { ip: comment.id } : {}),
      reason: str(body, 'reason'),
      expiresAt: Number.isFinite(days) && days > 0 ? new Date(deps.clock.now().getTime() + days * 86_400_000).toISOString() : null,
      rejectExisting: str(body, 'rejectExisting') === '1',
    }
    const parsed = createBanSchema.safeParse(input)
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error)
      if (errors.email) errors.email = 'Choose what to ban: their email address, their IP address, or both.'
      const site = await requireSite(deps.db, comment.site)
      return c.html(<BanPage m={m} c={comment} site={site} canGlobal={m.globalRole === 'admin'} returnTo={returnTo} errors={errors} />, 400)
    }
    const r = await createBan(deps, m, parsed.data)
    const what = [parsed.data.email ? parsed.data.email : null, parsed.data.ip ? 'their IP' : null].filter(Boolean).join(' and ')
    return back(c, returnTo, { kind: 'ok', text: `Banned ${what}${parsed.data.site ? '' : ' on every site'}.${r.rejected.length ? ` Rejected ${plural(r.rejected.length)} of theirs.` : ''}` })
  })
  .get('/bans', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const [sites, bans] = await Promise.all([mySites(deps, m), listBans(deps, m, undefined)])
    return c.html(<BansPage m={m} bans={bans} sites={new Map(sites.map((s) => [s.id, s]))} settingsSite={adminSite(m, sites)} flash={takeFlash(c)} />)
  })
  .post('/bans/:id/delete', async (c) => {
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such ban.')
    await removeBan(c.var.deps, me(c), id)
    return back(c, '/mod/bans', { kind: 'ok', text: 'The ban is lifted.' })
  })
