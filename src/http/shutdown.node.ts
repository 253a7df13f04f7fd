import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http'
import type { Http2SecureServer, Http2Server } from 'node:http2'

type NodeServer = HttpServer | Http2Server | Http2SecureServer

/**
 * Closes an HTTP server the way a deploy needs it: stop accepting at once, close idle
 * keep-alive sockets at once (and each busy one as soon as its response is done, which says
 * `Connection: close`), let in-flight requests finish for up to `capMs`, then close whatever is
 * left. Resolves when every connection is gone.
 */
export function drainHttpServer(server: NodeServer, opts: { capMs: number; onForced?: (open: number) => void }): Promise<void> {
  const http = server as HttpServer
  return new Promise((resolve) => {
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      clearInterval(sweep)
      clearTimeout(cap)
      resolve()
    }
    http.close(() => finish())
    // Responses still to be written tell their client the connection ends with them.
    for (const res of inFlight.get(http) ?? []) if (!res.headersSent) res.setHeader('Connection', 'close')
    // Before the server's own listener: an answer made near the wire (near-wire.node.ts) is
    // written within it, and must say so too.
    http.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('Connection', 'close'))
    http.closeIdleConnections()
    const sweep = setInterval(() => http.closeIdleConnections(), 50)
    const cap = setTimeout(() => {
      opts.onForced?.(inFlight.get(http)?.size ?? 0)
      http.closeAllConnections()
      // Sockets still sending a body count as in flight; closeAllConnections ends them too.
      setTimeout(finish, 500).unref()
    }, opts.capMs)
  })
}

const inFlight = new WeakMap<HttpServer, Set<ServerResponse>>()

/** Tracks the responses a server has not finished yet (for `drainHttpServer`). */
export function trackInFlight(server: NodeServer): void {
  const http = server as HttpServer
  const open = new Set<ServerResponse>()
  inFlight.set(http, open)
  http.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res)
    res.on('close', () => open.delete(res))
  })
}
