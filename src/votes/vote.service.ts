import type { Deps } from '../deps.js'
import { AppError, notFound, rateLimited } from '../errors.js'
import { sha256Hex } from '../lib/ids.js'
import { findCommentByIdForUpdate } from '../comments/comment.repository.js'
import { voterKey } from '../comments/comment.service.js'
import { requireSite } from '../sites/site.service.js'
import { bumpThreadVersion, countVotesByIp, findVote, shiftVoteCounts, upsertVote } from './vote.repository.js'

/** Votes one IP key may cast or change in VOTE_WINDOW_SECONDS (a newsroom behind one NAT included). */
export const VOTES_PER_WINDOW = 60
export const VOTE_WINDOW_SECONDS = 600

export type VoteValue = 1 | -1 | 0

export interface VoteResult {
  upvotes: number
  downvotes: number
  myVote: VoteValue
}

/**
 * One reader's vote on a published comment: 1 up, -1 down (when the site allows downvotes), 0
 * takes it back. One vote per voter token per comment; the author's own comment (an edit token
 * for it in `tokens`) is refused. Votes change counts and the "best" order, never moderation.
 */
export async function castVote(
  deps: Deps,
  commentId: string,
  input: { value: VoteValue; voter: string },
  tokens: string[],
  ip: string | null,
): Promise<VoteResult> {
  const now = deps.clock.now()
  const ipKey = ip ? await deps.keys.ipKey(ip) : null
  const r = await deps.db.transaction().execute(async (trx) => {
    // The comment's row lock orders concurrent votes on it: counts never drift.
    const row = await findCommentByIdForUpdate(trx, commentId)
    if (!row || row.status !== 'approved') throw notFound('No such comment.')
    const hashes = tokens.map(sha256Hex)
    if (row.edit_token_hash && hashes.includes(row.edit_token_hash))
      throw new AppError('own_comment', 403, 'You cannot vote on your own comment.')
    const site = await requireSite(trx, row.site_id)
    if (input.value === -1 && !site.settings.downvotes)
      throw new AppError('downvotes_disabled', 403, 'This site does not take downvotes.')
    const key = await voterKey(deps, row.site_id, input.voter)
    const before = (await findVote(trx, commentId, key)) ?? 0
    if (before === input.value) return { upvotes: row.upvotes, downvotes: row.downvotes, myVote: input.value, threadId: null }
    if (ipKey) {
      const recent = await countVotesByIp(trx, ipKey, new Date(now.getTime() - VOTE_WINDOW_SECONDS * 1000))
      if (recent.n >= VOTES_PER_WINDOW) {
        const first = recent.first?.getTime() ?? now.getTime()
        throw rateLimited((first + VOTE_WINDOW_SECONDS * 1000 - now.getTime()) / 1000, 'You have voted a lot just now; try again in a few minutes.')
      }
    }
    await upsertVote(trx, { commentId, voterKey: key, siteId: row.site_id, threadId: row.thread_id, value: input.value, ipKey, now })
    const dUp = (input.value === 1 ? 1 : 0) - (before === 1 ? 1 : 0)
    const dDown = (input.value === -1 ? 1 : 0) - (before === -1 ? 1 : 0)
    const counts = await shiftVoteCounts(trx, commentId, dUp, dDown)
    await bumpThreadVersion(trx, row.thread_id)
    return { ...counts, myVote: input.value, threadId: row.thread_id }
  })
  if (r.threadId) deps.threadCache?.invalidateThread(r.threadId)
  return { upvotes: r.upvotes, downvotes: r.downvotes, myVote: r.myVote }
}
