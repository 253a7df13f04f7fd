import { Hono } from 'hono'
import { addMemberSchema, addTeamMember, changeTeamRole, clearTeamSignInLock, listTeam, removeTeamMember, teamRoleSchema } from '../auth/team.service.js'
import type { AppEnv } from '../deps.js'
import { AppError, forbidden, notFound } from '../errors.js'
import { assertAdmin, isAdminOf } from '../moderation/access.js'
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
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { adminSite, back, type Body, type C, fieldErrors, idSchema, listLines, me, mySites, str, takeFlash } from './form.js'
import { type InviteForm, SettingsPage } from './settings.js'

async function renderSettings(
  c: C,
  siteId: string,
  opts: { values?: Record<string, unknown>; errors?: Record<string, string>; invite?: InviteForm; status?: 200 | 400 | 409 } = {},
) {
  const deps = c.var.deps
  const m = me(c)
  assertAdmin(m, siteId)
  const site = await requireSite(deps.db, siteId)
  const [sites, team, authors] = await Promise.all([mySites(deps, m), listTeam(deps, m, siteId), listAuthors(deps, m, siteId)])
  return c.html(
    <SettingsPage
      m={m}
      site={site}
      adminSites={sites.filter((s) => isAdminOf(m, s.id))}
      values={opts.values ?? site.settings}
      errors={opts.errors ?? {}}
      team={team}
      invite={opts.invite ?? null}
      authors={authors}
      publicUrl={deps.config.publicUrl}
      flash={takeFlash(c)}
    />,
    opts.status ?? 200,
  )
}

/** Form fields → a settings patch (validated by the API's own schema afterwards). */
function settingsFromForm(body: Body): Record<string, unknown> {
  const int = (k: string) => {
    const v = str(body, k).trim()
    return v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : v
  }
  const closeAfter = str(body, 'closeAfterDays').trim()
  return {
    moderationMode: str(body, 'moderationMode') || undefined,
    maxLinks: int('maxLinks'),
    floodSeconds: int('floodSeconds'),
    maxDepth: int('maxDepth'),
    editWindowSeconds: int('editWindowSeconds'),
    closeAfterDays: closeAfter === '' ? null : /^\d+$/.test(closeAfter) ? Number(closeAfter) : closeAfter,
    requireNameEmail: str(body, 'requireNameEmail') === '1',
    notifyModerators: str(body, 'notifyModerators') === '1',
    replyNotifications: str(body, 'replyNotifications') === '1',
    formPosition: str(body, 'formPosition') || undefined,
    defaultSort: str(body, 'defaultSort') || undefined,
    downvotes: str(body, 'downvotes') === '1',
    follows: str(body, 'follows') === '1',
    followDigestMinutes: int('followDigestMinutes'),
    moderationKeys: listLines(str(body, 'moderationKeys')),
    disallowedKeys: listLines(str(body, 'disallowedKeys')),
    origins: listLines(str(body, 'origins')),
    moderatorEmails: listLines(str(body, 'moderatorEmails')),
    threadQueryParams: 'threadQueryParams' in body ? listLines(str(body, 'threadQueryParams')) : undefined,
    spamRetentionDays: int('spamRetentionDays'),
    rejectedRetentionDays: int('rejectedRetentionDays'),
    ipRetentionDays: int('ipRetentionDays'),
  }
}

/** A site's settings page (admins): rules, origins, the team, article authors. */
export const settingsRoutes = new Hono<AppEnv>()
  .get('/settings', async (c) => {
    const m = me(c)
    const site = adminSite(m, await mySites(c.var.deps, m), c.req.query('site'))
    if (!site) throw forbidden('Only an admin may change settings.')
    return c.redirect(`/mod/sites/${site}/settings`, 303)
  })
  .get('/sites/:site/settings', async (c) => {
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    await getSiteSettings(c.var.deps, me(c), site)
    return renderSettings(c, site)
  })
  .post('/sites/:site/settings', async (c) => {
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    assertAdmin(me(c), site)
    const values = settingsFromForm(await c.req.parseBody({ all: true }))
    const parsed = siteSettingsPatchSchema.safeParse(values)
    if (!parsed.success) return renderSettings(c, site, { values, errors: fieldErrors(parsed.error), status: 400 })
    await patchSiteSettings(c.var.deps, me(c), site, parsed.data)
    return back(c, `/mod/sites/${site}/settings`, { kind: 'ok', text: 'Settings saved.' })
  })
  // The team (team.service.ts, shared with /api/mod/sites/:site/team): add or invite, change role, remove.
  .post('/sites/:site/moderators', async (c) => {
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    assertAdmin(me(c), site)
    const body = await c.req.parseBody({ all: true })
    const values = { email: str(body, 'email').trim(), role: str(body, 'role') || 'moderator' }
    const parsed = addMemberSchema.safeParse(values)
    if (!parsed.success) return renderSettings(c, site, { invite: { ...values, errors: fieldErrors(parsed.error) }, status: 400 })
    try {
      const r = await addTeamMember(c.var.deps, me(c), site, parsed.data)
      return back(
        c,
        `/mod/sites/${site}/settings#moderators`,
        r.setPasswordUrl
          ? { kind: 'ok', text: `Invited ${r.member.email} as ${r.member.role}. They got an email; you can also send them this link:`, link: r.setPasswordUrl }
          : { kind: 'ok', text: `${r.member.email} is now ${r.member.role} of this site too.` },
      )
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderSettings(c, site, { invite: { ...values, errors: { email: err.message } }, status: 409 })
      throw err
    }
  })
  .post('/sites/:site/moderators/:user/role', async (c) => {
    const site = c.req.param('site')
    const user = c.req.param('user')
    if (!siteIdSchema.safeParse(site).success || !idSchema.safeParse(user).success) throw notFound('No such member of this site’s team.')
    const role = teamRoleSchema.safeParse(str(await c.req.parseBody({ all: true }), 'role'))
    if (!role.success) throw new AppError('validation_failed', 400, 'Choose a role: admin or moderator.')
    const member = await changeTeamRole(c.var.deps, me(c), site, user, role.data)
    return back(c, `/mod/sites/${site}/settings#moderators`, { kind: 'ok', text: `${member.email} is now ${member.role} of this site.` })
  })
  .post('/sites/:site/moderators/:user/remove', async (c) => {
    const site = c.req.param('site')
    const user = c.req.param('user')
    if (!siteIdSchema.safeParse(site).success || !idSchema.safeParse(user).success) throw notFound('No such member of this site’s team.')
    await removeTeamMember(c.var.deps, me(c), site, user)
    return back(c, `/mod/sites/${site}/settings#moderators`, { kind: 'ok', text: 'Removed from this site’s team.' })
  })
  .post('/sites/:site/moderators/:user/unlock', async (c) => {
    const site = c.req.param('site')
    const user = c.req.param('user')
    if (!siteIdSchema.safeParse(site).success || !idSchema.safeParse(user).success) throw notFound('No such member of this site’s team.')
    const r = await clearTeamSignInLock(c.var.deps, me(c), site, user)
    return back(c, `/mod/sites/${site}/settings#moderators`, { kind: 'ok', text: `Cleared the sign-in lock of ${r.email}: they can sign in again from anywhere.` })
  })
  .post('/sites/:site/authors', async (c) => {
    const deps = c.var.deps
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    const body = await c.req.parseBody({ all: true })
    const to = `/mod/sites/${site}/settings#authors`
    const parsed = createAuthorSchema.safeParse({ handle: str(body, 'handle'), name: str(body, 'name'), email: str(body, 'email').trim(), notify: str(body, 'notify') === '1' })
    if (!parsed.success) {
      const i = parsed.error.issues[0]
      return back(c, to, { kind: 'bad', text: `The ${String(i?.path[0] ?? 'form')} ${i?.message ?? 'is not valid'}.` })
    }
    try {
      await addAuthor(deps.db, me(c), site, parsed.data, deps.clock.now())
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return back(c, to, { kind: 'bad', text: err.message })
      throw err
    }
    return back(c, to, { kind: 'ok', text: `Added ${parsed.data.name}.` })
  })
  .post('/sites/:site/authors/:handle', async (c) => {
    const site = c.req.param('site')
    const handle = authorHandleSchema.safeParse(c.req.param('handle'))
    if (!siteIdSchema.safeParse(site).success || !handle.success) throw notFound('No such author.')
    const body = await c.req.parseBody({ all: true })
    const to = `/mod/sites/${site}/settings#authors`
    const parsed = updateAuthorSchema.safeParse({ name: str(body, 'name'), email: str(body, 'email').trim(), notify: str(body, 'notify') === '1' })
    if (!parsed.success) {
      const i = parsed.error.issues[0]
      return back(c, to, { kind: 'bad', text: `The ${String(i?.path[0] ?? 'form')} ${i?.message ?? 'is not valid'}.` })
    }
    await editAuthor(c.var.deps, me(c), site, handle.data, parsed.data)
    return back(c, to, { kind: 'ok', text: `Saved ${handle.data}.` })
  })
  .post('/sites/:site/authors/:handle/remove', async (c) => {
    const site = c.req.param('site')
    const handle = authorHandleSchema.safeParse(c.req.param('handle'))
    if (!siteIdSchema.safeParse(site).success || !handle.success) throw notFound('No such author.')
    await removeAuthor(c.var.deps, me(c), site, handle.data)
    return back(c, `/mod/sites/${site}/settings#authors`, { kind: 'ok', text: `Removed ${handle.data}.` })
  })
