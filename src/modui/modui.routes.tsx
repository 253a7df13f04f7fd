import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { sameOriginOnly } from '../auth/session.js'
import type { AppEnv } from '../deps.js'
import { AppError, errorResponse } from '../errors.js'
import { QUEUES } from '../moderation/queue.repository.js'
import { siteIdSchema } from '../sites/site.service.js'
import { auditRoutes } from './audit.routes.js'
import { banRoutes } from './bans.routes.js'
import { MOD_JS } from './client.js'
import { commentRoutes } from './comment.routes.js'
import { idSchema, wantsJson } from './form.js'
import { loginRoutes } from './login.routes.js'
import { ErrorPage } from './pages.js'
import { privacyRoutes } from './privacy.routes.js'
import { queueRoutes } from './queue.routes.js'
import { settingsRoutes } from './settings.routes.js'
import { setupRoutes } from './setup.routes.js'
import { importRoutes, isDeskUpload } from './imports.routes.js'
import { MOD_CSS } from './styles.js'
import { threadRoutes } from './threads.routes.js'

/**
 * The moderator web UI at /mod: server-rendered pages (Hono JSX) where every action is a plain
 * form post that redirects back; /mod/assets/mod.js adds the fast path (fetch, keyboard, undo).
 * One route file per desk page (`*.routes.tsx`), their shared form pieces in `form.ts`; this file
 * holds what every page shares: headers, the size limit, the same-origin and sign-in guards.
 * State-changing requests must come from our own origin (Origin / Sec-Fetch-Site, as the API)
 * and the session cookie is SameSite=Lax.
 */

/** Pages anyone may open without a session. */
const PUBLIC_PATHS = new Set(['/mod/login', '/mod/set-password', '/mod/setup'])

const ERROR_TITLE: Record<number, string> = {
  400: 'That did not work',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  413: 'Too large',
  429: 'Too many requests',
}

export const modUiRoutes = new Hono<AppEnv>()

const formLimit = bodyLimit({ maxSize: 256 * 1024, onError: () => { throw new AppError('payload_too_large', 413, 'The form is too large.') } })

modUiRoutes.onError((err, c) => {
  if (err instanceof AppError) {
    if (wantsJson(c)) return errorResponse(c, err)
    if (err.status === 401) return c.redirect('/mod/login', 303)
    return c.html(<ErrorPage m={c.var.moderator} title={ERROR_TITLE[err.status] ?? 'That did not work'} message={err.message} />, err.status)
  }
  c.var.deps.log.error('moderator page failed', { method: c.req.method, path: c.req.path, error: String((err as Error)?.stack ?? err) })
  return c.html(<ErrorPage m={c.var.moderator} title="Something went wrong" message="Something went wrong on our side. Try again." />, 500)
})

modUiRoutes
  .use('*', async (c, next) => {
    await next()
    if (c.req.path.startsWith('/mod/assets/')) return
    // Set on the response's own headers: c.header() after the handler would rebuild the response
    // around a stream of its body (@hono/node-server then copies a 100 KB page through undici's
    // Response and a ReadableStream instead of writing the string: docs/perf.md, round 3).
    const h = c.res.headers
    h.set('Cache-Control', 'private, no-store')
    // Avatars are absolute URLs on PUBLIC_URL, which may differ from the host this page was asked on.
    const own = new URL(c.var.deps.config.publicUrl).origin
    h.set('Content-Security-Policy', `default-src 'self'; img-src 'self' ${own} data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`)
    h.set('X-Frame-Options', 'DENY')
    h.set('Referrer-Policy', 'same-origin')
    h.set('X-Content-Type-Options', 'nosniff')
  })
  .get('/assets/mod.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600')
    c.header('Content-Type', 'text/css; charset=utf-8')
    return c.body(MOD_CSS)
  })
  .get('/assets/mod.js', (c) => {
    c.header('Cache-Control', 'public, max-age=3600')
    c.header('Content-Type', 'text/javascript; charset=utf-8')
    return c.body(MOD_JS)
  })
  // Forms are small; the import upload (imports.routes.tsx) streams to disk under its own limit.
  .use('*', (c, next) => (isDeskUpload(c) ? next() : formLimit(c, next)))
  // Cross-site form posts are refused before anything else (login CSRF included).
  .use('*', sameOriginOnly())
  .use('*', async (c, next) => {
    if (c.var.moderator || PUBLIC_PATHS.has(c.req.path)) return next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (wantsJson(c)) throw new AppError('unauthenticated', 401, 'Sign in as a moderator first.')
      return c.redirect('/mod/login', 303)
    }
    const url = new URL(c.req.url)
    return c.redirect(`/mod/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
  })
  // Entry: also where email links land (?site=&queue=, ?comment=, ?thread=).
  .get('/', (c) => {
    const comment = c.req.query('comment')
    if (comment && idSchema.safeParse(comment).success) return c.redirect(`/mod/comments/${comment}`, 303)
    const thread = c.req.query('thread')
    if (thread && idSchema.safeParse(thread).success) return c.redirect(`/mod/threads/${thread}`, 303)
    const s = new URLSearchParams()
    const site = c.req.query('site')
    const queue = c.req.query('queue')
    if (site && siteIdSchema.safeParse(site).success) s.set('site', site)
    if (queue && (QUEUES as readonly string[]).includes(queue)) s.set('queue', queue)
    return c.redirect(`/mod/queue${s.size ? `?${s}` : ''}`, 303)
  })

// One sub-app per desk page.
modUiRoutes
  .route('/', loginRoutes)
  .route('/', setupRoutes)
  .route('/', queueRoutes)
  .route('/', commentRoutes)
  .route('/', banRoutes)
  .route('/', threadRoutes)
  .route('/', auditRoutes)
  .route('/', settingsRoutes)
  .route('/', privacyRoutes)
  .route('/', importRoutes)
  .all('*', (c) => c.html(<ErrorPage m={c.var.moderator} title="Not found" message="There is no such page." />, 404))
