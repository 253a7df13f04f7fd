import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type ErrorCode =
  | 'validation_failed'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'forbidden'
  | 'comments_closed'
  | 'banned'
  | 'not_found'
  | 'duplicate'
  | 'edit_window_closed'
  | 'has_replies'
  | 'not_editable'
  | 'invalid_transition'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal_error'
  | 'invalid_token'
  | 'token_used'
  | 'own_comment'
  | 'downvotes_disabled'

export interface FieldError {
  path: string
  message: string
}

/** Every error a client can see; `onError` turns it into the contract's one shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: ContentfulStatusCode,
    message: string,
    readonly extra: { fields?: FieldError[]; headers?: Record<string, string>; ids?: string[] } = {},
  ) {
    super(message)
  }
}

export const validationFailed = (fields: FieldError[], message = 'Some fields are not valid.') =>
  new AppError('validation_failed', 400, message, { fields })
export const notFound = (what = 'Not found.') => new AppError('not_found', 404, what)
export const forbidden = (message = 'You may not do that.') => new AppError('forbidden', 403, message)
export const rateLimited = (retryAfterSeconds: number, message = 'Too many requests; try again later.') =>
  new AppError('rate_limited', 429, message, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  })

export function errorBody(code: ErrorCode, message: string, extra: AppError['extra'] = {}) {
  const error: Record<string, unknown> = { code, message }
  if (extra.fields) error.fields = extra.fields
  if (extra.ids) error.ids = extra.ids
  return { error }
}

export function errorResponse(c: Context, err: AppError): Response {
  for (const [k, v] of Object.entries(err.extra.headers ?? {})) c.header(k, v)
  return c.json(errorBody(err.code, err.message, err.extra), err.status)
}

/** The one place errors become responses. Unknown errors are logged and answered 500. */
export function onError(log: { error(msg: string, fields?: object): void }) {
  return (err: Error, c: Context): Response => {
    if (err instanceof AppError) return errorResponse(c, err)
    if (err instanceof HTTPException) {
      const status = err.status
      const code: ErrorCode =
        status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : status === 401
              ? 'unauthenticated'
              : status === 403
                ? 'forbidden'
                : status === 404
                  ? 'not_found'
                  : 'validation_failed'
      const message = status === 413 ? 'The request body is too large.' : err.message || 'Bad request.'
      return errorResponse(c, new AppError(code, status as ContentfulStatusCode, message))
    }
    if (isDatabaseUnavailable(err)) {
      log.error('database unavailable', { method: c.req.method, path: c.req.path, error: String((err as Error)?.message ?? err).slice(0, 200) })
      c.header('Retry-After', '5')
      return c.json(errorBody('unavailable', 'The service is briefly unavailable; try again in a moment.'), 503)
    }
    log.error('unhandled error', { method: c.req.method, path: c.req.path, error: String(err?.stack ?? err) })
    return c.json(errorBody('internal_error', 'Something went wrong on our side.'), 500)
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  // postgres.js
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  // our pool (src/db/postgres-driver.ts): no free connection in time, or no answer in time
  'POOL_TIMEOUT', 'QUERY_TIMEOUT',
  // SQLSTATE: admin/crash shutdown, cannot connect now, too many connections
  '57P01', '57P02', '57P03', '53300',
])

/** A lost or refused database connection: the client did nothing wrong, so 503, not 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null
  if (!e || typeof e !== 'object') return false
  const code = typeof e.code === 'string' ? e.code : ''
  if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true
  if (typeof e.message === 'string' && /PGlite is closed|driver has already been destroyed|connection (?:terminated|closed)/i.test(e.message)) return true
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause)
}
