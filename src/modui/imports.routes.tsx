import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.js'
import { AppError, notFound } from '../errors.js'
import { adminOfSite, jobsOf, uploadsOf } from '../imports/import.routes.js'
import { IMPORT_MAX_BYTES } from '../imports/jobs.js'
import { requireSite } from '../sites/site.service.js'
import { back, idSchema, me, takeFlash } from './form.js'
import { ImportJobPage, ImportPage } from './imports.js'

const UPLOAD_PATH = /^\/mod\/sites\/[^/]+\/import\/?$/

/** The desk's one form that carries a file: exempt from the 256 KB form limit, streamed to disk. */
export const isDeskUpload = (c: Context) => c.req.method === 'POST' && UPLOAD_PATH.test(c.req.path)

const jobId = (c: Context<AppEnv>) => {
  const id = c.req.param('id')
  if (!id || !idSchema.safeParse(id).success) throw notFound('No such import.')
  return id
}

/** A site's Import and export page (admins of the site): upload, dry run, confirm, progress, result, download. */
export const importRoutes = new Hono<AppEnv>()
  .get('/sites/:site/import', async (c) => {
    const { site } = await adminOfSite(c)
    const deps = c.var.deps
    return c.html(<ImportPage m={me(c)} site={await requireSite(deps.db, site)} jobs={jobsOf(deps).list(deps, site)} enabled={deps.uploads !== undefined} flash={takeFlash(c)} />)
  })
  .post('/sites/:site/import', async (c) => {
    const { m, site } = await adminOfSite(c)
    const deps = c.var.deps
    const uploads = uploadsOf(deps)
    const to = `/mod/sites/${site}/import`
    const type = c.req.header('content-type') ?? ''
    if (!/^multipart\/form-data/i.test(type) || !c.req.raw.body) return back(c, to, { kind: 'bad', text: 'Choose a file to upload.' })
    if (Number(c.req.header('content-length') ?? '0') > IMPORT_MAX_BYTES + 65_536)
      throw new AppError('payload_too_large', 413, `Files up to ${IMPORT_MAX_BYTES / 1048576} MB can be imported here; use the command line for larger ones.`)
    const { file, fields } = await uploads.saveMultipart(c.req.raw.body, type, IMPORT_MAX_BYTES)
    const format = fields.format
    if (!file || file.bytes === 0 || (format !== 'wordpress' && format !== 'disqus')) {
      if (file) await uploads.remove(file.id)
      return back(c, to, { kind: 'bad', text: !file || file.bytes === 0 ? 'Choose a file to upload; that one is empty.' : 'Choose WordPress or Disqus.' })
    }
    let job
    try {
      job = jobsOf(deps).start(deps, { site, format, fileName: file.name, bytes: file.bytes, uploadId: file.id, actor: { id: m.id, email: m.email } })
    } catch (err) {
      await uploads.remove(file.id)
      if (err instanceof AppError && err.status === 409) return back(c, to, { kind: 'bad', text: err.message })
      throw err
    }
    return c.redirect(`${to}/${job.id}`, 303)
  })
  .get('/sites/:site/import/:id', async (c) => {
    const { site } = await adminOfSite(c)
    const deps = c.var.deps
    const job = jobsOf(deps).get(site, jobId(c))
    return c.html(<ImportJobPage m={me(c)} site={await requireSite(deps.db, site)} job={job} flash={takeFlash(c)} />)
  })
  .post('/sites/:site/import/:id/confirm', async (c) => {
    const { site } = await adminOfSite(c)
    const deps = c.var.deps
    uploadsOf(deps)
    const id = jobId(c)
    try {
      jobsOf(deps).confirm(deps, site, id)
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return back(c, `/mod/sites/${site}/import/${id}`, { kind: 'bad', text: err.message })
      throw err
    }
    return c.redirect(`/mod/sites/${site}/import/${id}`, 303)
  })
  .post('/sites/:site/import/:id/discard', async (c) => {
    const { site } = await adminOfSite(c)
    const id = jobId(c)
    await jobsOf(c.var.deps).discard(c.var.deps, site, id)
    return back(c, `/mod/sites/${site}/import`, { kind: 'ok', text: 'The upload was deleted; nothing was imported.' })
  })
