import { Hono, type Context } from 'hono'
import { stream } from 'hono/streaming'
import { z } from 'zod'
import type { AppEnv, Deps, ModeratorIdentity } from '../deps.js'
import { AppError } from '../errors.js'
import { parseOrThrow } from '../http/validate.js'
import { assertAdmin } from '../moderation/access.js'
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { exportSite } from './export.service.js'
import { IMPORT_MAX_BYTES, type ImportJobs, type UploadStore } from './jobs.js'

const UPLOAD_PATH = /^\/api\/mod\/sites\/[^/]+\/imports\/?$/

/** The one /api route whose body is a file, not JSON: it streams to disk under its own limit. */
export const isImportUpload = (c: Context) => c.req.method === 'POST' && UPLOAD_PATH.test(c.req.path)

const formatSchema = z.enum(['wordpress', 'disqus', 'parley'])
const idSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'is not an id')
// Types a cross-site HTML form can send: refused, as every other /api route refuses them.
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'])

export function uploadsOf(deps: Deps): UploadStore {
  if (!deps.uploads) throw new AppError('unavailable', 503, 'Imports need the Node server (this runtime has no file storage); use the command line: npm run parley -- import …')
  return deps.uploads
}
export const jobsOf = (deps: Deps): ImportJobs => deps.importJobs!

/** The admin of this site (moderators get 403), and the site itself (404). */
export async function adminOfSite(c: Context<AppEnv>, name = 'site'): Promise<{ m: ModeratorIdentity; site: string }> {
  const site = parseOrThrow(z.object({ site: siteIdSchema }), { site: c.req.param(name) }).site
  const m = c.var.moderator!
  assertAdmin(m, site)
  await requireSite(c.var.deps.db, site)
  return { m, site }
}

export function exportFileName(site: string, now: Date): string {
  return `parley-${site}-${now.toISOString().slice(0, 10)}.ndjson`
}

/** Streams the site's export as an NDJSON download (admins only: it holds personal data). */
export function exportResponse(c: Context<AppEnv>, site: string): Response {
  const deps = c.var.deps
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8')
  c.header('Content-Disposition', `attachment; filename="${exportFileName(site, deps.clock.now())}"`)
  c.header('Cache-Control', 'private, no-store')
  c.header('X-Content-Type-Options', 'nosniff')
  deps.log.info('site exported', { site, by: c.var.moderator?.id })
  return stream(c, async (s) => {
    for await (const chunk of exportSite(deps, site)) await s.write(chunk)
  })
}

/**
 * Import and export for admins (docs/api.md "Import and export"), mounted under /api/mod, whose
 * guards (session, same origin, no-store) apply. Jobs live in this server process.
 */
export const importRoutes = new Hono<AppEnv>()
  .post('/sites/:site/imports', async (c) => {
    const { m, site } = await adminOfSite(c)
    const deps = c.var.deps
    const uploads = uploadsOf(deps)
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (FORM_TYPES.has(type)) throw new AppError('unsupported_media_type', 415, 'Send the file itself as the body (application/xml for WordPress and Disqus, application/x-ndjson for Parley).')
    const { format } = parseOrThrow(z.object({ format: formatSchema }), { format: c.req.query('format') })
    const length = Number(c.req.header('content-length') ?? '0')
    if (length > IMPORT_MAX_BYTES) throw new AppError('payload_too_large', 413, `Files up to ${IMPORT_MAX_BYTES / 1048576} MB can be imported here; use the command line for larger ones.`)
    if (!c.req.raw.body) throw new AppError('validation_failed', 400, 'The request has no file.', { fields: [{ path: 'body', message: 'is required' }] })
    const saved = await uploads.save(c.req.raw.body, IMPORT_MAX_BYTES)
    if (saved.bytes === 0) {
      await uploads.remove(saved.id)
      throw new AppError('validation_failed', 400, 'The file is empty.', { fields: [{ path: 'body', message: 'is empty' }] })
    }
    const fileName = (c.req.query('name') ?? `upload.${format === 'parley' ? 'ndjson' : 'xml'}`).slice(0, 200)
    try {
      const job = jobsOf(deps).start(deps, { site, format, fileName, bytes: saved.bytes, uploadId: saved.id, actor: { id: m.id, email: m.email } })
      return c.json({ import: job }, 202)
    } catch (err) {
      await uploads.remove(saved.id)
      throw err
    }
  })
  .get('/sites/:site/imports', async (c) => {
    const { site } = await adminOfSite(c)
    return c.json({ items: jobsOf(c.var.deps).list(c.var.deps, site) })
  })
  .get('/sites/:site/imports/:id', async (c) => {
    const { site } = await adminOfSite(c)
    return c.json({ import: jobsOf(c.var.deps).get(site, parseOrThrow(idSchema, c.req.param('id'))) })
  })
  .post('/sites/:site/imports/:id/confirm', async (c) => {
    const { site } = await adminOfSite(c)
    uploadsOf(c.var.deps)
    return c.json({ import: jobsOf(c.var.deps).confirm(c.var.deps, site, parseOrThrow(idSchema, c.req.param('id'))) }, 202)
  })
  .delete('/sites/:site/imports/:id', async (c) => {
    const { site } = await adminOfSite(c)
    await jobsOf(c.var.deps).discard(c.var.deps, site, parseOrThrow(idSchema, c.req.param('id')))
    return c.body(null, 204)
  })
  .get('/sites/:site/export', async (c) => {
    const { site } = await adminOfSite(c)
    return exportResponse(c, site)
  })
