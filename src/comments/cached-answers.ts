import { SESSION_COOKIE } from '../auth/session.js'
import type { Deps } from '../deps.js'
import { crossOriginOf, EXPOSE_HEADERS } from '../http/cors.js'

/** `Cache-Control` of the public reads (a shared cache may keep them 5 s). */
export const PUBLIC_SHORT_CACHE = 'public, max-age=0, s-maxage=5'
/** What a thread read varies on besides `Origin`. */
export const READ_VARY = 'Authorization, X-Parley-Voter, Accept-Encoding'

/** A request as the server sees it: its target (path and query) and its headers by lower-case name. */
export interface WireRequest {
  url: string
  header(name: string): string | undefined
}

/** A whole answer: status, headers by lower-case name, body. */
export interface WireAnswer {
  status: 200 | 304
  headers: Record<string, string>
  body: Uint8Array | null
}

/** The path and query of a request URL: what `WireRequest.url` is for the same request. */
export function pathAndQuery(url: string): string {
  const u = new URL(url)
  return u.pathname + u.search
}

/**
 * Answers a GET of the thread page or counts straight from the cache, without the app: only a
 * URL the app itself answered from a shared cached page or counts before (ThreadPageCache.wire),
 * while that page or those counts are still within THREAD_CACHE_SECONDS, for a request the app
 * would answer the same way — no Authorization, X-Parley-Voter or session cookie, an Origin that
 * is this server's or listed by the site. The answer is the app's, byte for byte (CORS, ETag and
 * 304, Cache-Control, Vary, gzip): test/integration/cached-answers.test.ts compares them.
 * Anything else (a miss, a stale page, a refused origin, a gzip not compressed yet) is null: the
 * app answers it. Runtime-free (the Node server calls it before the app: src/http/near-wire.node.ts).
 */
export function cachedAnswers(deps: Deps): (req: WireRequest) => WireAnswer | null {
  const cache = deps.threadCache
  const sessionCookie = `${SESSION_COOKIE}=`
  return (req) => {
    if (!cache || cache.ttlMs <= 0) return null
    const wired = cache.wiredTo(req.url)
    if (!wired) return null
    if (req.header('authorization') !== undefined || req.header('x-parley-voter') !== undefined) return null
    if (req.header('cookie')?.includes(sessionCookie)) return null
    const now = deps.clock.now().getTime()
    const headers: Record<string, string> = {}
    if (wired.kind === 'counts') {
      const counts = cache.getCounts(wired.key)
      if (!counts || now - counts.checkedAt >= cache.ttlMs) return null
      const origin = allowedOrigin(req, counts.site.settings.origins)
      if (origin === false) return null
      if (origin) allow(headers, origin)
      headers['cache-control'] = PUBLIC_SHORT_CACHE
      return ok(headers, counts.body)
    }
    const page = cache.peek(wired.key)
    const body = page?.body
    if (!page || !body || body.thread !== page.thread || now - page.checkedAt >= cache.ttlMs) return null
    // closeAfterDays may have closed the thread since the body was made: the app writes it anew.
    if (body.closed !== (page.thread.closed || (body.closesAt !== null && now > body.closesAt))) return null
    const origin = allowedOrigin(req, page.site.settings.origins)
    if (origin === false) return null
    if (origin) allow(headers, origin)
    headers.etag = body.etag
    headers['cache-control'] = PUBLIC_SHORT_CACHE
    headers.vary = origin ? `Origin, ${READ_VARY}` : READ_VARY
    const inm = req.header('if-none-match')
    if (inm && inm.split(',').some((t) => t.trim() === body.etag)) return { status: 304, headers, body: null }
    if (body.bytes.length > 1024 && /\bgzip\b/.test(req.header('accept-encoding') ?? '')) {
      if (!body.gzipped) return null
      headers['content-encoding'] = 'gzip'
      return ok(headers, body.gzipped)
    }
    return ok(headers, body.bytes)
  }

  /** The cross origin to allow (null: none, same origin), or false for one the site does not list (the app's 403). */
  function allowedOrigin(req: WireRequest, listed: string[]): string | null | false {
    const origin = crossOriginOf(req.header('origin'), req.header('host'), deps.config.publicUrl)
    if (origin === null) return null
    return listed.includes(origin) ? origin : false
  }
}

function allow(headers: Record<string, string>, origin: string) {
  headers['access-control-allow-origin'] = origin
  headers['access-control-expose-headers'] = EXPOSE_HEADERS
  headers.vary = 'Origin'
}

function ok(headers: Record<string, string>, body: Uint8Array): WireAnswer {
  headers['content-type'] = 'application/json'
  headers['content-length'] = String(body.byteLength)
  return { status: 200, headers, body }
}
