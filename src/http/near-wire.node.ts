import { serve } from '@hono/node-server'
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WireAnswer, WireRequest } from '../comments/cached-answers.js'

type Answerer = (req: WireRequest) => WireAnswer | null

/**
 * A request listener that answers what the app's cache can answer whole (cachedAnswers:
 * thread pages and counts still fresh) before the app sees the request — no Request/Response
 * objects, no routing or middleware — and hands everything else to `next` (the app).
 * `answerer` is asked per request (a test server makes its app after listening).
 */
export function nearWire(answerer: () => Answerer | undefined, next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const answer = req.method === 'GET' && req.url !== undefined && !hasBody(req) ? answerer()?.(wireRequest(req)) : null
    if (!answer) return next(req, res)
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body ?? undefined)
  }
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined
}

function wireRequest(req: IncomingMessage): WireRequest {
  const h = req.headers
  return {
    url: req.url!,
    header: (name) => {
      const v = h[name]
      return typeof v === 'string' || v === undefined ? v : v.join(', ')
    },
  }
}

/**
 * Serves the app on Node as `npm start` does: @hono/node-server behind `nearWire`.
 * `app()` is the app (or null while it is being made).
 */
export function serveApp(
  app: () => { fetch: (req: Request, env?: unknown) => Response | Promise<Response>; cachedAnswer?: Answerer } | null,
  options: { port: number; hostname?: string },
  listening?: (info: AddressInfo) => void,
) {
  return serve(
    {
      fetch: (req, env) => app()!.fetch(req, env),
      ...options,
      createServer: ((opts: object, listener: RequestListener) => createServer(opts, nearWire(() => app()?.cachedAnswer, listener))) as typeof createServer,
    },
    listening,
  )
}
