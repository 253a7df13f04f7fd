import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.js'
import { notFound } from '../errors.js'
import { parseOrThrow } from '../http/validate.js'
import { uriSchema } from '../comments/comment.schemas.js'
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { siteFeed, threadFeed, type Feed } from './feed.service.js'

function answer(c: Context<AppEnv>, feed: Feed): Response {
  c.header('ETag', feed.etag)
  c.header('Cache-Control', 'public, max-age=60')
  c.header('X-Content-Type-Options', 'nosniff')
  const inm = c.req.header('if-none-match')
  if (inm && inm.split(',').some((t) => t.trim() === feed.etag)) return c.body(null, 304)
  return c.body(feed.xml, 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' })
}

/** Atom feeds of published comments (docs/api.md, "Atom feeds"): a site's, and one thread's. */
export const feedRoutes = new Hono<AppEnv>()
  .get('/:site/thread.atom', async (c) => {
    const site = parseOrThrow(siteIdSchema, c.req.param('site'))
    const { uri } = parseOrThrow(z.object({ uri: uriSchema }), { uri: c.req.query('uri') })
    return answer(c, await threadFeed(c.var.deps, await requireSite(c.var.deps.db, site), uri))
  })
  .get('/:file', async (c) => {
    const m = /^(.+)\.atom$/.exec(c.req.param('file'))
    if (!m || !siteIdSchema.safeParse(m[1]).success) throw notFound('No such feed.')
    return answer(c, await siteFeed(c.var.deps, await requireSite(c.var.deps.db, m[1]!)))
  })
