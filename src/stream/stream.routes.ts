import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import type { AppEnv } from '../deps.js'
import { AppError } from '../errors.js'
import { allowSiteOrigin } from '../http/cors.js'
import { parseOrThrow } from '../http/validate.js'
import { uriSchema } from '../comments/comment.schemas.js'
import { requireSite, siteIdSchema } from '../sites/site.service.js'
import { threadKey } from '../threads/uri.js'
import type { StreamEvent } from './stream.hub.js'

/** Seconds between heartbeats (an SSE comment line): proxies keep the connection, clients notice a dead one. */
export const HEARTBEAT_SECONDS = 25
const streamQuerySchema = z.object({ site: siteIdSchema, uri: uriSchema })

/** `GET /api/stream?site=&uri=` (docs/api.md, "Live updates"). */
export const streamRoutes = new Hono<AppEnv>().get('/stream', async (c) => {
  const q = parseOrThrow(streamQuerySchema, c.req.query())
  const deps = c.var.deps
  const site = await requireSite(deps.db, q.site)
  allowSiteOrigin(c, site)
  const hub = deps.stream
  if (!hub) {
    // No live stream on this runtime: 204 ends an EventSource for good; the widget polls instead.
    c.header('X-Parley-Live', 'poll')
    // How often to poll `GET /api/comments` with its ETag (LIVE_POLL_SECONDS).
    c.header('X-Parley-Poll-Seconds', String(deps.config.livePollSeconds))
    c.header('Access-Control-Expose-Headers', 'ETag, Retry-After, X-Parley-Live, X-Parley-Poll-Seconds')
    c.header('Cache-Control', 'no-store')
    return c.body(null, 204)
  }
  if (hub.full) throw new AppError('unavailable', 503, 'Too many live connections; try again soon.', { headers: { 'Retry-After': '30' } })
  const uri = threadKey(q.uri, site.settings.threadQueryParams)
  c.header('X-Accel-Buffering', 'no')
  return streamSSE(c, async (stream) => {
    const queue: StreamEvent[] = []
    let wake: (() => void) | null = null
    const unsubscribe = hub.subscribe({
      site: site.id,
      uri,
      send: (e) => {
        queue.push(e)
        wake?.()
      },
    })
    stream.onAbort(() => {
      unsubscribe()
      wake?.()
    })
    try {
      // Tell the client how long to wait before reconnecting, and that the stream is open.
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ uri }), retry: 3000 })
      while (!stream.aborted) {
        if (queue.length === 0) {
          const timer = new Promise<'beat'>((resolve) => {
            const t = setTimeout(() => resolve('beat'), HEARTBEAT_SECONDS * 1000)
            wake = () => {
              clearTimeout(t)
              resolve('beat')
            }
          })
          await timer
          wake = null
          if (stream.aborted) break
          if (queue.length === 0) {
            await stream.write(': heartbeat\n\n')
            continue
          }
        }
        for (const e of queue.splice(0)) await stream.writeSSE({ event: e.event, id: e.id, data: JSON.stringify(e.comment) })
      }
    } finally {
      unsubscribe()
    }
  })
})
