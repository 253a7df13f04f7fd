import type { Executor } from '../db/index.js'

export interface FeedRow {
  id: string
  author_name: string
  author_url: string | null
  body_html: string
  created_at: Date | string
  edited_at: Date | string | null
  thread_uri: string
  thread_title: string
}

/** The latest published comments of a site, or of one thread: newest first. Never an email or IP column. */
export function findFeedComments(db: Executor, q: { siteId: string; threadId?: string; limit: number }): Promise<FeedRow[]> {
  let query = db
    .selectFrom('comments as c')
    .innerJoin('threads as t', 't.id', 'c.thread_id')
    .select(['c.id', 'c.author_name', 'c.author_url', 'c.body_html', 'c.created_at', 'c.edited_at', 't.uri as thread_uri', 't.title as thread_title'])
    .where('c.site_id', '=', q.siteId)
    .where('c.status', '=', 'approved')
  if (q.threadId) query = query.where('c.thread_id', '=', q.threadId)
  return query.orderBy('c.created_at', 'desc').orderBy('c.seq', 'desc').limit(q.limit).execute()
}
