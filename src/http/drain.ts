import type { MiddlewareHandler } from 'hono'

/** How much of a refused request's body is read and thrown away to keep its connection. */
export const DRAIN_MAX_BYTES = 8 * 1024 * 1024
export const DRAIN_MAX_MS = 5_000

/**
 * Keeps a keep-alive connection usable after a request whose body nobody read (413 too large,
 * 415 wrong type, 401/403 before the body, a 404 POST…). On Node the body stream the app opened
 * holds the socket: unread, the next request on that socket cannot be parsed and the server
 * drops it while the answer said `Connection: keep-alive`. So the rest of the body is read and
 * discarded (bounded), and when it is larger or slower than the bounds the answer says
 * `Connection: close` instead, so the client does not send on it again.
 */
export function drainUnreadBody(opts: { maxBytes?: number; maxMs?: number } = {}): MiddlewareHandler {
  const maxBytes = opts.maxBytes ?? DRAIN_MAX_BYTES
  const maxMs = opts.maxMs ?? DRAIN_MAX_MS
  return async (c, next) => {
    await next()
    const method = c.req.method
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return
    const raw = c.req.raw
    if (raw.bodyUsed || !raw.body || raw.body.locked) return
    if (!(await discard(raw.body, maxBytes, maxMs))) {
      try {
        c.res.headers.set('Connection', 'close')
      } catch {
        // An immutable Response: copy it with the header.
        const res = new Response(c.res.body, c.res)
        res.headers.set('Connection', 'close')
        c.res = res
      }
    }
  }
}

/** Reads a body to its end and drops it; false when it went past `maxBytes` or `maxMs`. */
async function discard(body: ReadableStream<Uint8Array>, maxBytes: number, maxMs: number): Promise<boolean> {
  const reader = body.getReader()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), maxMs)
  })
  let read = 0
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), deadline])
      if (chunk === 'timeout') return false
      if (chunk.done) return true
      read += chunk.value.byteLength
      if (read > maxBytes) return false
    }
  } catch {
    return false
  } finally {
    clearTimeout(timer)
    try {
      reader.releaseLock()
    } catch {
      // a read still pending after the deadline: the connection closes anyway
    }
  }
}
