import { Hono } from 'hono'
import type { AppEnv, ModeratorIdentity } from '../deps.js'
import { forbidden } from '../errors.js'
import { assertAdmin } from '../moderation/access.js'
import { adminErase, adminExport, privacyEmailSchema } from '../privacy/privacy.service.js'
import type { Site } from '../sites/site.service.js'
import { type Body, type C, me, mySites, str } from './form.js'
import { PrivacyPage } from './privacy.js'

/** The sites this user administers (privacy requests are an admin's job). */
async function adminSites(c: C, m: ModeratorIdentity): Promise<Site[]> {
  const sites = (await mySites(c.var.deps, m)).filter((s) => {
    try {
      assertAdmin(m, s.id)
      return true
    } catch {
      return false
    }
  })
  if (sites.length === 0) throw forbidden('Only an admin may answer privacy requests.')
  return sites
}

/** The form's site and address, checked: the site must be one the user administers. */
async function readForm(c: C) {
  const m = me(c)
  const sites = await adminSites(c, m)
  const body: Body = await c.req.parseBody({ all: true })
  const wanted = str(body, 'site')
  const site = sites.find((s) => s.id === wanted)?.id ?? sites[0]!.id
  assertAdmin(m, site)
  const raw = str(body, 'email')
  const email = privacyEmailSchema.safeParse(raw)
  return { m, sites, site, body, raw, email: email.success ? email.data : null, error: email.success ? undefined : `The email address ${email.error.issues[0]?.message ?? 'is not valid'}.` }
}

/** The desk's Privacy page: look up an address, download, erase (admins of the site only). */
export const privacyRoutes = new Hono<AppEnv>()
  .get('/privacy', async (c) => {
    const m = me(c)
    const sites = await adminSites(c, m)
    const wanted = c.req.query('site')
    const site = sites.find((s) => s.id === wanted)?.id ?? sites[0]!.id
    return c.html(<PrivacyPage m={m} sites={sites} site={site} email="" />)
  })
  .post('/privacy', async (c) => {
    const f = await readForm(c)
    if (!f.email) return c.html(<PrivacyPage m={f.m} sites={f.sites} site={f.site} email={f.raw} error={f.error} />, 400)
    const data = await adminExport(c.var.deps, f.m, f.site, f.email)
    return c.html(<PrivacyPage m={f.m} sites={f.sites} site={f.site} email={f.email} data={data} />)
  })
  .post('/privacy/download', async (c) => {
    const f = await readForm(c)
    if (!f.email) return c.html(<PrivacyPage m={f.m} sites={f.sites} site={f.site} email={f.raw} error={f.error} />, 400)
    const data = await adminExport(c.var.deps, f.m, f.site, f.email)
    c.header('Content-Disposition', `attachment; filename="${f.site}-privacy-export.json"`)
    return c.body(JSON.stringify(data, null, 2), 200, { 'Content-Type': 'application/json; charset=utf-8' })
  })
  .post('/privacy/erase', async (c) => {
    const f = await readForm(c)
    if (!f.email) return c.html(<PrivacyPage m={f.m} sites={f.sites} site={f.site} email={f.raw} error={f.error} />, 400)
    if (str(f.body, 'confirm') !== 'yes') {
      const data = await adminExport(c.var.deps, f.m, f.site, f.email)
      return c.html(<PrivacyPage m={f.m} sites={f.sites} site={f.site} email={f.email} data={data} confirmErase />)
    }
    const r = await adminErase(c.var.deps, f.m, f.site, f.email)
    const text = `Erased ${r.erased === 1 ? '1 comment' : `${r.erased} comments`} (${r.tombstoned} kept as empty placeholders above others’ replies); subscriptions and emails removed.`
    return c.html(<PrivacyPage m={f.m} sites={f.sites} site={f.site} email="" flash={{ kind: 'ok', text }} />)
  })
