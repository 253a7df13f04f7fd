import { sql } from 'kysely'
import type { Executor } from '../db/index.js'

/**
 * The Wilson score interval's lower bound (95%, z = 1.96) of up / (up + down), in SQL:
 * (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), and 0 for a comment without votes.
 */
const wilson = (up: unknown, down: unknown) => sql`case when ${up} + ${down} = 0 then 0::float8 else (
    (${up})::float8 / (${up} + ${down}) + 1.9208 / (${up} + ${down})
    - 1.96 * sqrt((${up})::float8 * (${down}) / power(${up} + ${down}, 3) + 0.9604 / power(${up} + ${down}, 2))
  ) / (1 + 3.8416 / (${up} + ${down})) end`

/** This voter's votes (non-zero) on the comments of one thread, by comment id. */
export async function findVotesOfVoter(db: Executor, voterKey: string, threadId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('comment_votes')
    .select(['comment_id', 'value'])
    .where('voter_key', '=', voterKey)
    .where('thread_id', '=', threadId)
    .where('value', '<>', 0)
    .execute()
  return new Map(rows.map((r) => [r.comment_id, r.value]))
}

export async function findVote(db: Executor, commentId: string, voterKey: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('comment_votes')
    .select('value')
    .where('comment_id', '=', commentId)
    .where('voter_key', '=', voterKey)
    .executeTakeFirst()
  return row?.value
}

/** How many comments this IP key voted on (or changed a vote on) since `since`, and the first of them. */
export async function countVotesByIp(db: Executor, ipKey: string, since: Date): Promise<{ n: number; first: Date | null }> {
  const r = await db
    .selectFrom('comment_votes')
    .select([(eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.min('updated_at').as('first')])
    .where('ip_key', '=', ipKey)
    .where('updated_at', '>', since)
    .executeTakeFirstOrThrow()
  return { n: Number(r.n), first: r.first ? new Date(r.first) : null }
}

export async function upsertVote(
  db: Executor,
  v: { commentId: string; voterKey: string; siteId: string; threadId: string; value: number; ipKey: string | null; now: Date },
): Promise<void> {
  await db
    .insertInto('comment_votes')
    .values({
      comment_id: v.commentId,
      voter_key: v.voterKey,
      site_id: v.siteId,
      thread_id: v.threadId,
      value: v.value,
      ip_key: v.ipKey,
      created_at: v.now,
      updated_at: v.now,
    })
    .onConflict((oc) => oc.columns(['comment_id', 'voter_key']).doUpdateSet({ value: v.value, ip_key: v.ipKey, updated_at: v.now }))
    .execute()
}

/** Moves a comment's counts by the vote's change and recomputes its best score, in one statement. */
export async function shiftVoteCounts(db: Executor, commentId: string, dUp: number, dDown: number): Promise<{ upvotes: number; downvotes: number }> {
  const up = sql`(upvotes + ${dUp}::int)`
  const down = sql`(downvotes + ${dDown}::int)`
  return db
    .updateTable('comments')
    .set({ upvotes: sql`${up}`, downvotes: sql`${down}`, best_score: sql`${wilson(up, down)}` })
    .where('id', '=', commentId)
    .returning(['upvotes', 'downvotes'])
    .executeTakeFirstOrThrow()
}

/** A vote changes what a thread's pages show: a new version (ETag, other servers' caches). */
export async function bumpThreadVersion(db: Executor, threadId: string): Promise<void> {
  await db
    .updateTable('threads')
    .set({ version: sql`version + 1` })
    .where('id', '=', threadId)
    .execute()
}
