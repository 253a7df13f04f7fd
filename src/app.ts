import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { commentRoutes } from './comments/comment.routes.js'
import { demoRoutes } from './demo/routes.js'
import type { AppEnv, Deps } from './deps.js'
import { AppError, errorBody, onError } from './errors.js'
import { publicCors } from './http/cors.js'
import { jsonBody } from './http/validate.js'
import { identiconSvg } from './privacy/avatar.js'
import { widgetRoutes } from './widget/routes.js'
import { sql } from 'kysely'

export const MAX_REQUEST_BYTES = 1024 * 1024

/**
 * Builds the whole HTTP app from its dependencies. Runtime-free: no `node:*` imports here
 * or below, so the same app serves on Node and on Cloudflare Workers.
 */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>()
  app.onError(onError(deps.log))
  app.notFound((c) => c.json(errorBody('not_found', 'No such endpoint.'), 404))

  app.use('*', async (c, next) => {
    c.set('deps', deps)
    c.set('moderator', null)
    const started = Date.now()
    await next()
    // The path only: query strings can carry tokens.
    if (c.res.status >= 500) deps.log.warn('request failed', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started })
  })

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', 413, `The request body is larger than ${MAX_REQUEST_BYTES / 1024} KB.`)
      },
    }),
  )
  app.use('/api/*', jsonBody())
  app.use('/api/*', publicCors())
  app.route('/api', commentRoutes)

  app.get('/avatar/:file', (c) => {
    const m = /^([0-9a-f]{16,64})\.svg$/.exec(c.req.param('file'))
    if (!m) return c.json(errorBody('not_found', 'No such avatar.'), 404)
    c.header('Content-Type', 'image/svg+xml')
    c.header('Cache-Control', 'public, max-age=31536000, immutable')
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    return c.body(identiconSvg(m[1]!))
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

  return app
}

export type App = ReturnType<typeof createApp>
