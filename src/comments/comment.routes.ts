import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.js'
import { allowSiteOrigin } from '../http/cors.js'
import { fieldsFromIssues, parseOrThrow, validate } from '../http/validate.js'
import { validationFailed } from '../errors.js'
import { voterSchema } from '../votes/vote.routes.js'
import { getSite, requireSite } from '../sites/site.service.js'
import {
  commentIdSchema,
  countsQuerySchema,
  listQuerySchema,
  locateQuerySchema,
  patchCommentSchema,
  postCommentSchema,
  reportSchema,
  type PostCommentInput,
} from './comment.schemas.js'
import {
  bearerTokens,
  countsAnswer,
  deleteComment,
  editComment,
  listThread,
  locateComment,
  postComment,
  publicConfig,
  reportComment,
  siteOfComment,
  type RequestInfo,
} from './comment.service.js'
import { pathAndQuery, PUBLIC_SHORT_CACHE, READ_VARY } from './cached-answers.js'

function requestInfo(c: Context<AppEnv>): RequestInfo {
  return {
    ip: c.var.deps.clientIp(c),
    userAgent: c.req.header('user-agent') ?? '',
    moderator: c.var.moderator,
  }
}

const idParam = (c: Context<AppEnv>) => parseOrThrow(commentIdSchema, c.req.param('id'))

/** `X-Parley-Voter`: the reader's voter token, for their own votes (`myVote`) on a read. */
function voterHeader(c: Context<AppEnv>): string | undefined {
  const v = c.req.header('x-parley-voter')
  if (v === undefined) return undefined
  const r = voterSchema.safeParse(v.trim())
  if (!r.success) throw validationFailed([{ path: 'X-Parley-Voter', message: 'must be the voter token this browser made (16–64 visible ASCII characters)' }])
  return r.data
}

/** Validates a new comment, naming every bad field at once — the site's required ones included. */
async function parsePost(c: Context<AppEnv>): Promise<PostCommentInput> {
  const raw = (await c.req.json()) as Record<string, unknown>
  const parsed = postCommentSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const fields = fieldsFromIssues(parsed.error.issues)
  const site = typeof raw.site === 'string' ? await getSite(c.var.deps.db, raw.site) : undefined
  if (site?.settings.requireNameEmail ?? true) {
    for (const name of ['name', 'email'] as const) {
      const v = raw[name]
      if (!fields.some((f) => f.path === name) && (typeof v !== 'string' || v.trim() === ''))
        fields.push({ path: name, message: 'is required' })
    }
  }
  throw validationFailed(fields)
}

/** The public API the widget speaks (API.md, "Public API"). */
export const commentRoutes = new Hono<AppEnv>()
  .get('/comments', async (c) => {
    const q = parseOrThrow(listQuerySchema, c.req.query())
    const tokens = bearerTokens(c.req.header('authorization'))
    const voter = voterHeader(c)
    const view = await listThread(c.var.deps, q, tokens, (site) => allowSiteOrigin(c, site), voter)
    allowSiteOrigin(c, view.site)
    // Later requests for this very URL may be answered from the cached page near the wire.
    if (view.cacheKey) c.var.deps.threadCache?.wire(pathAndQuery(c.req.url), { kind: 'page', key: view.cacheKey })
    c.header('ETag', view.etag)
    c.header('Cache-Control', view.personal ? 'private, no-cache' : PUBLIC_SHORT_CACHE)
    c.header('Vary', READ_VARY, { append: true })
    const inm = c.req.header('if-none-match')
    if (inm && inm.split(',').some((t) => t.trim() === view.etag)) return c.body(null, 304)
    // Big threads are served gzipped from the cache, compressed once, not per request.
    if (view.body.length > 1024 && /\bgzip\b/.test(c.req.header('accept-encoding') ?? ''))
      return c.body(await view.gzipped(), 200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
    return c.body(view.body, 200, { 'Content-Type': 'application/json' })
  })
  .get('/comments/:id/locate', async (c) => {
    const id = idParam(c)
    const q = parseOrThrow(locateQuerySchema, c.req.query())
    const site = await requireSite(c.var.deps.db, q.site)
    allowSiteOrigin(c, site)
    const tokens = bearerTokens(c.req.header('authorization'))
    const located = await locateComment(c.var.deps, site, id, q, tokens)
    c.header('Cache-Control', tokens.length ? 'private, no-cache' : PUBLIC_SHORT_CACHE)
    c.header('Vary', 'Authorization', { append: true })
    return c.json(located)
  })
  .post('/comments', async (c) => {
    const input = await parsePost(c)
    const site = await requireSite(c.var.deps.db, input.site)
    allowSiteOrigin(c, site)
    const r = await postComment(c.var.deps, site, input, requestInfo(c))
    return c.json({ comment: r.comment, editToken: r.editToken, editableUntil: r.editableUntil }, r.httpStatus)
  })
  .patch('/comments/:id', validate('json', patchCommentSchema), async (c) => {
    const id = idParam(c)
    allowSiteOrigin(c, await siteOfComment(c.var.deps, id))
    const tokens = bearerTokens(c.req.header('authorization'))
    const r = await editComment(c.var.deps, id, c.req.valid('json').body, tokens, requestInfo(c))
    return c.json(r)
  })
  .delete('/comments/:id', async (c) => {
    const id = idParam(c)
    allowSiteOrigin(c, await siteOfComment(c.var.deps, id))
    await deleteComment(c.var.deps, id, bearerTokens(c.req.header('authorization')))
    return c.body(null, 204)
  })
  .post('/comments/:id/report', validate('json', reportSchema), async (c) => {
    const id = idParam(c)
    allowSiteOrigin(c, await siteOfComment(c.var.deps, id))
    await reportComment(c.var.deps, id, c.req.valid('json'), requestInfo(c))
    return c.json({ ok: true }, 202)
  })
  .get('/counts', async (c) => {
    const q = parseOrThrow(countsQuerySchema, { site: c.req.query('site'), uri: c.req.queries('uri') ?? [] })
    // The site and the counts in one round trip (or none while cached); nothing is written, so
    // the origin check after is as safe.
    const { site, body, key } = await countsAnswer(c.var.deps, q.site, q.uri)
    allowSiteOrigin(c, site)
    if (key) c.var.deps.threadCache?.wire(pathAndQuery(c.req.url), { kind: 'counts', key })
    c.header('Cache-Control', PUBLIC_SHORT_CACHE)
    return c.body(body, 200, { 'Content-Type': 'application/json' })
  })
  .get('/config', async (c) => {
    const { site: id } = parseOrThrow(listQuerySchema.pick({ site: true }), c.req.query())
    const site = await requireSite(c.var.deps.db, id)
    allowSiteOrigin(c, site)
    return c.json(publicConfig(site))
  })
