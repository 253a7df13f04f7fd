import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { authRoutes } from './auth/auth.routes.js'
import { sessionMiddleware } from './auth/session.js'
import { commentRoutes } from './comments/comment.routes.js'
import { ThreadPageCache } from './comments/thread-cache.js'
import { cachedAnswers } from './comments/cached-answers.js'
import { demoRoutes } from './demo/routes.js'
import type { AppEnv, Deps } from './deps.js'
import { AppError, errorBody, onError } from './errors.js'
import { publicCors } from './http/cors.js'
import { drainUnreadBody } from './http/drain.js'
import { jsonBody } from './http/validate.js'
import { modRoutes } from './moderation/mod.routes.js'
import { QueuePageCache } from './moderation/queue.service.js'
import { DEFAULT_AVATAR_SVG, identiconSvg } from './privacy/avatar.js'
import { widgetRoutes } from './widget/routes.js'
import { voteRoutes } from './votes/vote.routes.js'
import { followRoutes } from './follows/follow.routes.js'
import { feedRoutes } from './feeds/feed.routes.js'
import { StreamHub } from './stream/stream.hub.js'
import { streamRoutes } from './stream/stream.routes.js'
import { sql } from 'kysely'
import { emailRoutes } from './notifications/email.routes.js'
import { DEV_MAILBOX } from './mail/dev-mailbox.js'
import { devMailRoutes } from './mail/dev-mail.routes.js'
import { modUiRoutes } from './modui/modui.routes.js'
import { privacyPageRoutes } from './privacy/privacy-pages.routes.js'
import { privacyRoutes } from './privacy/privacy.routes.js'
import { ImportJobs } from './imports/jobs.js'
import { isImportUpload } from './imports/import.routes.js'

export const MAX_REQUEST_BYTES = 1024 * 1024

/**
 * Builds the whole HTTP app from its dependencies. Runtime-free: no `node:*` imports here
 * or below, so the same app serves on Node and on Cloudflare Workers.
 */
export function createApp(input: Deps) {
  const deps: Deps = input.threadCache
    ? input
    : { ...input, threadCache: new ThreadPageCache(input.config.threadCacheSeconds * 1000) }
  // Set on deps itself, never by copying it: a copy would read a lazy `db` getter (Workers) or
  // miss a test's later swap of deps.db.
  deps.importJobs ??= new ImportJobs()
  deps.queueCache ??= new QueuePageCache()
  if (deps.stream === undefined) deps.stream = new StreamHub(deps)
  const app = new Hono<AppEnv>()
  app.onError(onError(deps.log))
  app.notFound((c) => c.json(errorBody('not_found', 'No such endpoint.'), 404))
  // Outermost: runs after every answer, errors included (keep-alive after a refused body).
  app.use('*', drainUnreadBody())

  app.use('*', async (c, next) => {
    c.set('deps', deps)
    c.set('moderator', null)
    const started = Date.now()
    await next()
    // The path only: query strings can carry tokens.
    if (c.res.status >= 500) deps.log.warn('request failed', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started })
  })

  // Signed-in moderators (c.var.moderator) for every request that carries a session cookie.
  app.use('*', sessionMiddleware())

  const limitBody = bodyLimit({
    maxSize: MAX_REQUEST_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', 413, `The request body is larger than ${MAX_REQUEST_BYTES / 1024} KB.`)
    },
  })
  // Reads carry no body; skipping them also spares @hono/node-server building a full Request.
  // An import upload streams its own body to a file, up to IMPORT_MAX_BYTES (src/imports).
  app.use('/api/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' || isImportUpload(c) ? next() : limitBody(c, next)))
  const json = jsonBody()
  app.use('/api/*', (c, next) => (isImportUpload(c) ? next() : json(c, next)))
  app.use('/api/*', publicCors())
  app.route('/api', commentRoutes)
  app.route('/api', voteRoutes)
  app.route('/api', followRoutes)
  app.route('/api', streamRoutes)
  app.route('/api', privacyRoutes)
  app.route('/api', authRoutes)
  app.route('/api/mod', modRoutes)

  // Pages behind email links (form posts, not JSON: outside /api and its 415 guard).
  app.route('/email', emailRoutes)
  // Atom feeds of published comments (feed readers: no /api conventions, no CORS needed).
  app.route('/feed', feedRoutes)
  // Readers' own data: ask for a link, then see / download / erase (pages, form posts).
  app.route('/privacy', privacyPageRoutes)
  // The moderator web UI (server-rendered pages and form posts; outside /api and its 415 guard).
  app.route('/mod', modUiRoutes)
  if (deps.mailer.name === DEV_MAILBOX && deps.config.env !== 'production') app.route('/dev/mail', devMailRoutes)

  app.get('/avatar/:file', (c) => {
    const file = c.req.param('file')
    const m = /^([0-9a-f]{16,64})\.svg$/.exec(file)
    if (!m && file !== 'default.svg') return c.json(errorBody('not_found', 'No such avatar.'), 404)
    c.header('Content-Type', 'image/svg+xml')
    c.header('Cache-Control', m ? 'public, max-age=31536000, immutable' : 'public, max-age=86400')
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    return c.body(m ? identiconSvg(m[1]!) : DEFAULT_AVATAR_SVG)
  })

  app.route('/', widgetRoutes)
  if (deps.config.demo) app.route('/', demoRoutes)

  app.get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(deps.db)
      return c.json({ ok: true })
    } catch {
      return c.json({ ok: false, ...errorBody('unavailable', 'The database does not answer.') }, 503)
    }
  })

  // Fresh cached thread pages and counts, answered whole in front of the app (Node: src/http/near-wire.node.ts).
  return Object.assign(app, { cachedAnswer: cachedAnswers(deps) })
}

export type App = ReturnType<typeof createApp>
