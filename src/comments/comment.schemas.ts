import { z } from 'zod'
import { emailFormat, MAX_BODY_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, MAX_URL_LENGTH } from '../sites/settings.js'
import { siteIdSchema } from '../sites/site.service.js'
import { normaliseUri } from '../threads/uri.js'

const codePoints = (s: string) => [...s].length

export const uriSchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .transform((v, ctx) => {
    // The query string stays whole here; the service keeps only the site's threadQueryParams.
    const uri = normaliseUri(v, 'all')
    if (uri === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a page path starting with /' })
      return z.NEVER
    }
    return uri
  })

export const bodySchema = z
  .string()
  .transform((v) => v.trim())
  .refine((v) => v.length > 0, 'is required')
  .refine((v) => codePoints(v) <= MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`)

/** Control characters (CR/LF included) and any kind of space: never inside a web address. */
// eslint-disable-next-line no-control-regex
export const SPACE_OR_CONTROL = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/

/**
 * `example.org` → `http://example.org`; only http(s) survives. Parsed and stored as the URL
 * parser writes it (host lowercased, path percent-encoded): control characters or whitespace
 * inside (`http://x.com/\r\nBcc: …`) are refused, not silently dropped by the parser.
 */
export function normaliseWebsite(input: string): string | null {
  let v = input.trim()
  if (v === '') return ''
  if (SPACE_OR_CONTROL.test(v)) return null
  if (!/^[a-z][a-z0-9+.-]*:/i.test(v)) v = `http://${v.replace(/^\/+/, '')}`
  let u: URL
  try {
    u = new URL(v)
  } catch {
    return null
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null
  if (!u.hostname || !u.hostname.includes('.') && u.hostname !== 'localhost') return null
  if (u.username || u.password) return null
  // `http://example.org` stays without the "/" the parser adds to a bare host.
  return u.pathname === '/' && !u.search && !u.hash && !/\/$/.test(v) ? u.href.slice(0, -1) : u.href
}

const websiteSchema = z
  .string()
  .max(MAX_URL_LENGTH * 2, `must be at most ${MAX_URL_LENGTH} characters`)
  .transform((v, ctx) => {
    if (SPACE_OR_CONTROL.test(v.trim())) {
      ctx.addIssue({ code: 'custom', message: 'must not contain spaces or control characters' })
      return z.NEVER
    }
    const url = normaliseWebsite(v)
    if (url === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a web address (http or https)' })
      return z.NEVER
    }
    if (url.length > MAX_URL_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_URL_LENGTH} characters` })
      return z.NEVER
    }
    return url
  })

export const postCommentSchema = z.object({
  site: siteIdSchema,
  uri: uriSchema,
  title: z.string().max(500, 'must be at most 500 characters').optional(),
  author: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'must be an author handle like ashley-davis')
    .optional(),
  parentId: z.string().max(64, 'is not a comment id').nullable().optional(),
  body: bodySchema,
  name: z
    .string()
    .transform((v) => v.trim())
    .refine((v) => codePoints(v) <= MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
    .optional(),
  email: z
    .string()
    .transform((v) => v.trim())
    .refine((v) => v.length <= MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`)
    .refine((v) => v === '' || emailFormat.safeParse(v).success, 'must be a valid email address')
    .optional(),
  url: websiteSchema.nullable().optional(),
  notifyReplies: z.boolean().optional(),
  hp: z.string().max(1000).optional(),
  elapsedMs: z.number().int().min(0).max(1e12).optional(),
  // The page's language (BCP 47, as the widget read it): emails to the commenter use it.
  lang: z
    .string()
    .max(35, 'must be at most 35 characters')
    .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag like es or pt-BR')
    .optional(),
})
export type PostCommentInput = z.infer<typeof postCommentSchema>

export const patchCommentSchema = z.object({ body: bodySchema })

export const listQuerySchema = z.object({
  site: siteIdSchema,
  uri: uriSchema,
  // Absent: the site's defaultSort.
  sort: z.enum(['oldest', 'newest', 'best']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  title: z.string().max(500).optional(),
})

export const locateQuerySchema = listQuerySchema.pick({ site: true, uri: true, sort: true, limit: true })

export const countsQuerySchema = z.object({
  site: siteIdSchema,
  uri: z.array(uriSchema).min(1, 'at least one uri is required').max(100, 'at most 100 uris a request'),
})

export const reportSchema = z.object({
  reason: z.enum(['spam', 'abusive', 'offensive', 'other']),
  details: z.string().trim().max(1000, 'must be at most 1000 characters').optional(),
})

export const commentIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'is not a comment id')
