import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../deps.js'
import { allowSiteOrigin } from '../http/cors.js'
import { parseOrThrow, validate } from '../http/validate.js'
import { commentIdSchema } from '../comments/comment.schemas.js'
import { bearerTokens, siteOfComment } from '../comments/comment.service.js'
import { castVote } from './vote.service.js'

/** A reader's voter token: made once per browser (16–64 visible ASCII characters), sent as is, stored only as an HMAC. */
export const voterSchema = z
  .string()
  .regex(/^[\x21-\x7e]{16,64}$/, 'must be 16–64 visible ASCII characters (the voter token this browser made)')

export const voteSchema = z.object({
  value: z.union([z.literal(1), z.literal(-1), z.literal(0)], { error: 'must be 1, -1 or 0' }),
  voter: voterSchema,
})

/** `POST /api/comments/:id/vote` (API.md, "Votes"). */
export const voteRoutes = new Hono<AppEnv>().post('/comments/:id/vote', validate('json', voteSchema), async (c) => {
  const id = parseOrThrow(commentIdSchema, c.req.param('id'))
  allowSiteOrigin(c, await siteOfComment(c.var.deps, id))
  const input = c.req.valid('json')
  const r = await castVote(c.var.deps, id, input, bearerTokens(c.req.header('authorization')), c.var.deps.clientIp(c))
  c.header('Cache-Control', 'no-store')
  return c.json(r)
})
