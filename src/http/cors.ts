import type { Context, MiddlewareHandler } from 'hono'
import { sql } from 'kysely'
import type { AppEnv } from '../deps.js'
import { forbidden } from '../errors.js'
import type { Site } from '../sites/site.service.js'

const ALLOW_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS'
const ALLOW_HEADERS = 'Content-Type, Authorization, If-None-Match, X-Parley-Voter, Last-Event-ID'
export const EXPOSE_HEADERS = 'ETag, Retry-After'

/**
 * The request's origin when it is another site's (a browser's cross-origin request), else null:
 * no Origin, or this server's own (its Host, or PUBLIC_URL's origin).
 */
export function crossOriginOf(origin: string | undefined, host: string | undefined, publicUrl: string): string | null {
  if (!origin) return null
  // An opaque origin ("null": a sandboxed frame, a file) is not a URL: a stranger, like garbage.
  try {
    const o = new URL(origin)
    if (o.host === host) return null
    if (o.origin === new URL(publicUrl).origin) return null
    return o.origin
  } catch {
    return origin
  }
}

const crossOrigin = (c: Context<AppEnv>): string | null => crossOriginOf(c.req.header('origin'), c.req.header('host'), c.var.deps.config.publicUrl)

function setAllowed(c: Context, origin: string) {
  c.header('Access-Control-Allow-Origin', origin)
  c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS)
  c.header('Vary', 'Origin', { append: true })
}

async function originOfAnySite(c: Context<AppEnv>, origin: string): Promise<boolean> {
  const r = await sql<{ ok: number }>`
    select 1 as ok from sites where settings->'origins' @> jsonb_build_array(${origin}::text) limit 1
  `.execute(c.var.deps.db)
  return r.rows.length > 0
}

/**
 * CORS for the public API. Handlers call `allowSiteOrigin` once they know the site;
 * a preflight, or an error raised before the site was known, is allowed for an origin
 * that some site lists, so the widget can read the error.
 */
export function publicCors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = crossOrigin(c)
    if (c.req.method === 'OPTIONS') {
      if (origin && (await originOfAnySite(c, origin))) {
        setAllowed(c, origin)
        c.header('Access-Control-Allow-Methods', ALLOW_METHODS)
        c.header('Access-Control-Allow-Headers', ALLOW_HEADERS)
        c.header('Access-Control-Max-Age', '600')
        return c.body(null, 204)
      }
      return c.body(null, origin ? 403 : 204)
    }
    await next()
    if (origin && c.res.status >= 400 && !c.res.headers.has('access-control-allow-origin')) {
      if (await originOfAnySite(c, origin)) {
        c.res.headers.set('Access-Control-Allow-Origin', origin)
        c.res.headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS)
        c.res.headers.append('Vary', 'Origin')
      }
    }
  }
}

/**
 * Refuses (403) a browser request from an origin the site does not list; allows it otherwise.
 * True when the request came from one of the site's listed origins (a page of the publisher's).
 */
export function allowSiteOrigin(c: Context<AppEnv>, site: Site): boolean {
  const origin = crossOrigin(c)
  if (!origin) return false
  if (!site.settings.origins.includes(origin)) throw forbidden(`This site does not accept comments from ${origin}.`)
  setAllowed(c, origin)
  return true
}
