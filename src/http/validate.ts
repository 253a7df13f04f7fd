import type { MiddlewareHandler } from 'hono'
import { zValidator } from '@hono/zod-validator'
import type { z } from 'zod'
import { HTTPException } from 'hono/http-exception'
import { AppError, validationFailed, type FieldError } from '../errors.js'

/** zod issues → the contract's `fields`: one entry per bad request field. */
export function fieldsFromIssues(issues: z.core.$ZodIssue[]): FieldError[] {
  const seen = new Map<string, FieldError>()
  for (const issue of issues) {
    const path = issue.path.length ? String(issue.path[0]) : 'body'
    if (seen.has(path)) continue
    let message = issue.message
    if (issue.code === 'invalid_type') {
      message = issue.input === undefined ? 'is required' : `must be ${issue.expected === 'string' ? 'text' : issue.expected === 'number' ? 'a number' : issue.expected === 'boolean' ? 'true or false' : issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : `of type ${issue.expected}`}`
    } else if (issue.code === 'invalid_value') {
      message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    }
    seen.set(path, { path, message })
  }
  return [...seen.values()]
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input)
  if (!r.success) throw validationFailed(fieldsFromIssues(r.error.issues))
  return r.data
}

/** zValidator whose failures become `validation_failed` with `fields`. */
export function validate<T extends z.ZodType, Target extends 'json' | 'query' | 'param'>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw validationFailed(fieldsFromIssues(result.error.issues))
  })
}

/**
 * Guards every state-changing /api request: a JSON body or none (415 otherwise — also the
 * CSRF guard, since a cross-site form cannot send application/json), valid JSON, an object.
 * The parsed body is cached by Hono, so the validators after this read it again for free.
 */
export function jsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method
    for (const [key, value] of new URL(c.req.url).searchParams) {
      if (value.includes('\u0000')) throw validationFailed([{ path: key, message: NUL_MESSAGE }])
    }
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next()
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    const length = c.req.header('content-length')
    const hasBody = type !== '' || (length !== undefined && length !== '0')
    if (method === 'DELETE' && !hasBody) return next()
    if (type !== 'application/json') {
      if (!hasBody && method === 'POST' && c.req.path.endsWith('/logout')) return next()
      throw new AppError('unsupported_media_type', 415, 'Send the request body as application/json.')
    }
    let body: unknown
    try {
      body = await c.req.json()
    } catch (err) {
      if (err instanceof AppError || err instanceof HTTPException) throw err
      throw validationFailed([{ path: 'body', message: 'is not valid JSON' }], 'The request body is not valid JSON.')
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw validationFailed([{ path: 'body', message: 'must be a JSON object' }], 'The request body must be a JSON object.')
    }
    // PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    const bad = Object.entries(body).filter(([, v]) => containsNul(v))
    if (bad.length) throw validationFailed(bad.map(([path]) => ({ path, message: NUL_MESSAGE })))
    return next()
  }
}

const NUL_MESSAGE = 'must not contain a NUL character'

function containsNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000')
  if (depth > 20 || v === null || typeof v !== 'object') return false
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || containsNul(x, depth + 1))
}
