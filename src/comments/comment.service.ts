import { sql } from 'kysely'
import type { Badge, CommentRow, Reason, TitleSource } from '../../db/schema.js'
import type { Trx } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { AppError, forbidden, notFound, rateLimited, validationFailed, type FieldError } from '../errors.js'
import { newId, newToken, sha256Hex } from '../lib/ids.js'
import { isSeq, isTimestamp } from '../lib/cursor.js'
import {
  contentPhases,
  editPhases,
  editRefusalPhases,
  firstRefusal,
  runPipeline,
  type Decision,
  type PipelineComment,
} from '../moderation/pipeline.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { canAccessSite } from '../moderation/access.js'
import { onCommentChanged } from '../notifications/events.js'
import { requireSite, siteFromRow, type Site } from '../sites/site.service.js'
import { MAX_BODY_LENGTH, readSettings } from '../sites/settings.js'
import {
  foldThreadDeltas,
  countsByUris,
  findSiteWithCounts,
  findThreadById,
  findThreadBySiteUri,
  findThreadForPost,
  refreshThread,
  setThreadAuthorsIfEmpty,
  upsertThread,
} from '../threads/thread.repository.js'
import { threadKey } from '../threads/uri.js'
import {
  findCommentById,
  findCommentByIdForUpdate,
  findConversationRows,
  findPipelineFacts,
  findThreadPage,
  findTopPosition,
  hasPublishedReplies,
  insertCommentWithAudit,
  setCommentStatus,
  updateCommentContent,
  type PageCursor,
  type ThreadPageRow,
  type ThreadSort,
} from './comment.repository.js'
import { findVotesOfVoter } from '../votes/vote.repository.js'
import { toPublicComment, type PublicComment } from './comment.mapper.js'
import { gzip, type CachedCounts, type CachedPage } from './thread-cache.js'
import { renderComment } from './markdown.js'
import type { PostCommentInput } from './comment.schemas.js'
import { emailLang } from '../../emails/i18n.js'

export interface RequestInfo {
  ip: string | null
  userAgent: string
  moderator: ModeratorIdentity | null
}

export interface PostResult {
  httpStatus: 201 | 202
  comment: PublicComment
  editToken: string
  editableUntil: string
}

function refusalError(d: Extract<Decision, { kind: 'refuse' }>): AppError {
  const r = d.refusal
  switch (r.code) {
    case 'comments_closed':
      return new AppError('comments_closed', 403, 'Comments are closed on this page.')
    case 'banned':
      return new AppError('banned', 403, 'You cannot comment on this site.')
    case 'rate_limited':
      return rateLimited(r.retryAfterSeconds, 'You are posting comments too quickly. Slow down.')
    case 'duplicate':
      return new AppError('duplicate', 409, 'Duplicate comment detected; it looks as though you’ve already said that!')
  }
}

function auditReason(reasons: Reason[]): string {
  return reasons.map((r) => r.message).join(' ')
}

function isModeratorOf(m: ModeratorIdentity | null, siteId: string): m is ModeratorIdentity {
  return m !== null && canAccessSite(m, siteId)
}

export async function postComment(deps: Deps, site: Site, input: PostCommentInput, req: RequestInfo): Promise<PostResult> {
  const { db, keys, clock, config } = deps
  const s = site.settings
  const name = input.name ?? ''
  const email = input.email ?? ''
  const missing: FieldError[] = []
  if (s.requireNameEmail && name === '') missing.push({ path: 'name', message: 'is required' })
  if (s.requireNameEmail && email === '') missing.push({ path: 'email', message: 'is required' })
  if (missing.length) throw validationFailed(missing)
  const url = input.url ? input.url : null
  const moderator = isModeratorOf(req.moderator, site.id) ? req.moderator : null
  const render = deps.renderComment ?? renderComment

  const emailKey = email ? await keys.emailKey(email) : null
  const ipKey = req.ip ? await keys.ipKey(req.ip) : null
  const avatarKey = await keys.avatarKey(site.id, { email: email || null, name })
  const editToken = newToken()
  const now = clock.now()
  const editableUntil = new Date(now.getTime() + s.editWindowSeconds * 1000)

  const uri = threadKey(input.uri, s.threadQueryParams)
  // The thread's row is no longer locked for the whole post (docs/perf.md), so what it serialised
  // is serialised here, and only among the posts it concerns: the same comment twice (duplicate),
  // and, with flood control on, the same email or address (flood). Transaction-scoped advisory locks.
  const lockKeys = [`dup:${site.id}:${sha256Hex([uri, input.parentId ?? '', name, email, input.body].join('\u0000'))}`]
  if (s.floodSeconds > 0 && !moderator) {
    if (emailKey) lockKeys.push(`flood:${site.id}:e:${emailKey}`)
    if (ipKey) lockKeys.push(`flood:${site.id}:i:${ipKey}`)
  }

  const { row, decision, fold } = await db.transaction().execute(async (trx) => {
    let thread = await findThreadForPost(trx, { siteId: site.id, uri, title: input.title?.trim() ?? '', now, lockKeys })
    if (input.author && thread.authors.length === 0) {
      const registered = await trx
        .selectFrom('site_authors')
        .select('handle')
        .where('site_id', '=', site.id)
        .where('handle', '=', input.author.toLowerCase())
        .executeTakeFirst()
      if (registered) {
        await setThreadAuthorsIfEmpty(trx, thread.id, [registered.handle])
        thread = { ...thread, authors: [registered.handle] }
      }
    }

    let parent: CommentRow | undefined
    if (input.parentId) {
      parent = await findCommentById(trx, input.parentId)
      if (!parent || parent.thread_id !== thread.id || parent.status !== 'approved')
        throw validationFailed([{ path: 'parentId', message: 'must be a published comment on this page' }])
      // maxDepth counts levels: a reply past the deepest level joins its parent's level.
      while (parent.depth + 1 >= s.maxDepth && parent.parent_id) {
        const up = await findCommentById(trx, parent.parent_id)
        if (!up) break
        parent = up
      }
    }

    const facts = await findPipelineFacts(trx, {
      siteId: site.id,
      threadId: thread.id,
      parentId: parent?.id ?? null,
      name,
      email: email || null,
      emailKey,
      ipKey,
      body: input.body,
      // Only what the pipeline will look at (floodPhase, trustPhase): the rest is not queried.
      floodSince: s.floodSeconds > 0 && !moderator ? new Date(now.getTime() - s.floodSeconds * 1000) : null,
      now,
      trustMatters: s.moderationMode === 'trusted',
    })
    const pipelineFacts = { ...facts, threadClosed: thread.closed, threadCreatedAt: new Date(thread.created_at), isModerator: moderator !== null }
    // Cheap refusals (closed, ban, flood, duplicate) before the body is rendered.
    const refused = firstRefusal({ settings: s, now, facts: pipelineFacts })
    if (refused) throw refusalError(refused)
    const { html, linkCount } = render(input.body)
    const pc: PipelineComment = {
      name,
      email,
      url: url ?? '',
      body: input.body,
      html,
      ip: req.ip ?? '',
      userAgent: req.userAgent,
      hp: input.hp ?? '',
      elapsedMs: input.elapsedMs,
      linkCount,
    }
    const decision = runPipeline({ comment: pc, settings: s, now, facts: pipelineFacts }, contentPhases)
    if (decision.kind === 'refuse') throw refusalError(decision)

    const id = newId()
    const badge = moderator ? await badgeOf(trx, site.id, thread.authors, moderator) : null
    const row: CommentRow = {
      id,
      seq: '0',
      site_id: site.id,
      thread_id: thread.id,
      parent_id: parent?.id ?? null,
      root_id: parent ? parent.root_id : id,
      depth: parent ? parent.depth + 1 : 0,
      status: decision.status,
      body_md: input.body,
      body_html: html,
      author_name: name,
      author_email: email || null,
      author_url: url,
      email_key: emailKey,
      avatar_key: avatarKey,
      ip_key: ipKey,
      user_agent: req.userAgent.slice(0, 500) || null,
      user_id: moderator?.id ?? null,
      edit_token_hash: sha256Hex(editToken),
      editable_until: editableUntil,
      notify_replies: input.notifyReplies === true && email !== '',
      reasons: decision.reasons,
      open_reports: 0,
      created_at: now,
      edited_at: null,
      updated_at: now,
      lang: emailLang(input.lang),
      upvotes: 0,
      downvotes: 0,
      best_score: 0,
      badge,
    }
    const { seq: _seq, ...values } = row
    // The thread's count and version move by a delta row in the same statement (no thread row
    // written: posts on one thread no longer commit one at a time; docs/perf.md round 3).
    const { fold } = await insertCommentWithAudit(trx, values, {
      siteId: site.id,
      commentId: id,
      actor: null,
      action: 'pipeline',
      from: null,
      to: decision.status,
      reason: auditReason(decision.reasons),
      details: { reasons: decision.reasons },
      at: now,
    }, decision.status === 'approved' ? 1 : 0)
    await onCommentChanged(trx, deps, { site, comment: row, from: null, to: decision.status, actor: null, thread })
    return { row, decision, fold }
  })

  deps.threadCache?.invalidateThread(row.thread_id)
  // Now and then (one post in FOLD_EVERY), after the commit, the thread's deltas go into its row,
  // so a read sums a few of them, not the thread's whole history. The comment is stored already:
  // a failed fold is left to the next one.
  if (fold) await foldThreadDeltas(db, row.thread_id).catch((e: unknown) => deps.log.warn('thread fold failed', { thread: row.thread_id, error: String(e) }))
  deps.log.info('comment posted', { site: site.id, id: row.id, status: decision.status })
  return {
    httpStatus: row.status === 'approved' ? 201 : 202,
    comment: toPublicComment(row, config.publicUrl, 0, true),
    editToken,
    editableUntil: editableUntil.toISOString(),
  }
}

/**
 * The badge a moderator's comment earns: "author" when their address is that of one of the
 * thread's registered article authors, else "staff". Only a signed-in moderator earns one: an
 * address typed into the widget proves nothing.
 */
export async function badgeOf(trx: Trx, siteId: string, threadAuthors: string[], m: ModeratorIdentity): Promise<Badge> {
  if (threadAuthors.length === 0) return 'staff'
  const author = await trx
    .selectFrom('site_authors')
    .select('handle')
    .where('site_id', '=', siteId)
    .where('handle', 'in', threadAuthors)
    .where(sql<boolean>`lower(email) = ${m.email.trim().toLowerCase()}`)
    .executeTakeFirst()
  return author ? 'author' : 'staff'
}

/** Tokens from `Authorization: Bearer t1[, t2 …]` (the widget sends every token it holds). */
export function bearerTokens(header: string | undefined): string[] {
  if (!header) return []
  const m = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!m) return []
  return m[1]!
    .split(/[\s,]+/)
    .filter((t) => /^[A-Za-z0-9_-]{20,100}$/.test(t))
    .slice(0, 50)
}

export interface ThreadView {
  thread: { uri: string; title: string; commentCount: number; closed: boolean }
  /** The whole JSON answer, encoded once and reused while the page is cached. */
  body: Uint8Array<ArrayBuffer>
  /** The same, gzipped once, for clients that accept it. */
  gzipped(): Promise<Uint8Array<ArrayBuffer>>
  etag: string
}

/** `at|seq` (oldest, newest) or `at|seq|score` (best): the last top-level comment of the page before. */
function encodeCursor(c: PageCursor): string {
  const text = c.score === undefined ? `${c.at}|${c.seq}` : `${c.at}|${c.seq}|${c.score}`
  return btoa(text).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
}

const badCursor = () => validationFailed([{ path: 'cursor', message: 'is not a cursor this API gave out for this sort' }])

function decodeCursor(cursor: string): PageCursor {
  try {
    const [at, seq, score, extra] = atob(cursor.replace(/-/g, '+').replace(/_/g, '/')).split('|')
    const scoreOk = score === undefined || (/^[0-9.e+-]{1,40}$/i.test(score) && Number.isFinite(Number(score)))
    if (at && seq && isSeq(seq) && isTimestamp(at) && scoreOk && extra === undefined) return score === undefined ? { at, seq } : { at, seq, score }
  } catch {
    // falls through to the validation error
  }
  throw badCursor()
}

/** A cursor belongs to its sort: a `best` one carries the score it stopped at, the others do not. */
function cursorFor(cursor: PageCursor | null, sort: ThreadSort): PageCursor | null {
  if (cursor && (sort === 'best') !== (cursor.score !== undefined)) throw badCursor()
  return cursor
}

/** Compares top-level rows for `best`: the higher Wilson lower bound first, ties oldest first. */
function bestFirst(a: ThreadPageRow, b: ThreadPageRow): number {
  const d = Number(b.score ?? 0) - Number(a.score ?? 0)
  if (d !== 0) return d
  const t = new Date(a.created_at).getTime() - new Date(b.created_at).getTime()
  return t !== 0 ? t : Number(BigInt(a.seq) - BigInt(b.seq))
}

/**
 * Orders a page's rows for display: each top-level comment (in `sort` order), then its replies
 * depth-first, oldest first (replies stay under their parents whatever the sort).
 */
export function arrangeThread(rows: ThreadPageRow[], sort: ThreadSort): { row: ThreadPageRow; replies: number }[] {
  const children = new Map<string | null, ThreadPageRow[]>()
  const byId = new Map(rows.map((r) => [r.id, r]))
  for (const r of rows) {
    // A reply whose parent is not on the page (hidden) cannot be placed; it is left out.
    const key = r.parent_id === null ? null : byId.has(r.parent_id) ? r.parent_id : undefined
    if (key === undefined) continue
    const list = children.get(key) ?? []
    list.push(r)
    children.set(key, list)
  }
  const visible = new Map<string, boolean>()
  const isVisible = (r: ThreadPageRow): boolean => {
    const known = visible.get(r.id)
    if (known !== undefined) return known
    const v = r.status !== 'deleted' || (children.get(r.id) ?? []).some(isVisible)
    visible.set(r.id, v)
    return v
  }
  const out: { row: ThreadPageRow; replies: number }[] = []
  const walk = (r: ThreadPageRow) => {
    const kids = (children.get(r.id) ?? []).filter(isVisible)
    out.push({ row: r, replies: kids.length })
    for (const k of kids) walk(k)
  }
  const tops = (children.get(null) ?? []).filter(isVisible)
  if (sort === 'newest') tops.reverse()
  if (sort === 'best') tops.sort(bestFirst)
  for (const t of tops) walk(t)
  return out
}

export async function listThread(
  deps: Deps,
  q: { site: string; uri: string; sort?: ThreadSort | undefined; limit: number; cursor?: string; title?: string },
  tokens: string[],
  /** The origin check, run before anything is written: throws for an unlisted origin, true for a listed one. */
  allowOrigin: (site: Site) => boolean = () => false,
  /** The reader's voter token (`X-Parley-Voter`): their own votes come back as `myVote`. */
  voter?: string,
): Promise<ThreadView & { site: Site; personal: boolean; cacheKey?: string }> {
  // Only a uri with a query string needs the site's threadQueryParams first (one more small read).
  const keyNeedsSettings = q.uri.includes('?')
  if (keyNeedsSettings) q = { ...q, uri: threadKey(q.uri, (await requireSite(deps.db, q.site)).settings.threadQueryParams) }
  const cache = deps.threadCache
  const cursor = q.cursor ? decodeCursor(q.cursor) : null
  const tokenHashes = tokens.map(sha256Hex)
  const nowMs = deps.clock.now().getTime()
  // Pages with the reader's own pending comments are personal: never cached. THREAD_CACHE_SECONDS=0
  // turns the cache off: every read asks the database for the thread and its comments. A voter's
  // own votes are never in the cache: they are added to the shared page per request (below).
  // A read without `sort` is keyed as such and served in the site's defaultSort.
  const cacheKey = cache && cache.ttlMs > 0 && tokenHashes.length === 0 ? [q.site, q.uri, q.sort ?? '', q.limit, q.cursor ?? ''].join('\u0000') : null
  let entry = cacheKey ? cache!.get(cacheKey) : undefined
  if (!entry || nowMs - entry.checkedAt >= cache!.ttlMs) {
    const old = entry
    const refresh = () => readThreadPage(deps, q, cursor, tokenHashes, nowMs, old, allowOrigin)
    if (cacheKey) {
      // One refresh per page at a time: the reads that find it stale meanwhile wait for that one
      // query instead of each sending its own (and each rebuilding and gzipping the page).
      entry = await cache!.refresh(cacheKey, refresh)
      // A read with a title may have to write it (a new thread, or a stronger source): not one
      // the shared refresh could do for it.
      const source: TitleSource = q.title?.trim() ? (allowOrigin(entry.site) ? 'page' : 'read') : 'read'
      if (q.title?.trim() && titleWanted(entry.thread.id ? entry.thread : null, source)) entry = await refresh()
    } else entry = await refresh()
  }
  const { site, sort, thread: t } = entry
  const closed = t.id !== '' && (t.closed || isPastCloseAfter(site, new Date(t.created_at), deps.clock.now()))
  const thread = { uri: q.uri, title: t.title, commentCount: t.comment_count, closed }
  const threadJson = JSON.stringify(thread)
  if (entry.body?.threadJson !== threadJson) {
    const json = `{"thread":${threadJson},"comments":${entry.commentsJson},"nextCursor":${JSON.stringify(entry.nextCursor)}}`
    const etagSeed = [t.id, t.version, closed, t.title, sort, q.limit, q.cursor ?? '', ...tokenHashes].join('|')
    const days = site.settings.closeAfterDays
    entry.body = {
      threadJson,
      etag: `W/"${sha256Hex(etagSeed).slice(0, 32)}"`,
      bytes: new TextEncoder().encode(json) as Uint8Array<ArrayBuffer>,
      thread: t,
      closed,
      closesAt: t.id !== '' && days !== null ? new Date(t.created_at).getTime() + days * 86_400_000 : null,
    }
  }
  const body = entry.body
  // The body is this entry's (a refresh keeps the body of an unchanged page: checked just above).
  body.thread = t
  if (voter !== undefined) {
    // The shared page plus this reader's votes: `myVote` on every comment, an ETag of its own.
    const mine = t.id ? await findVotesOfVoter(deps.db, await voterKey(deps, site.id, voter), t.id) : new Map<string, number>()
    const commentsJson = withMyVotes(entry.commentsJson, mine)
    const json = `{"thread":${threadJson},"comments":${commentsJson},"nextCursor":${JSON.stringify(entry.nextCursor)}}`
    const votesSeed = [...mine].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, v]) => `${id}:${v}`).join(',')
    const bytes = new TextEncoder().encode(json) as Uint8Array<ArrayBuffer>
    const etag = `W/"${sha256Hex(`${body.etag}|voter|${votesSeed}`).slice(0, 32)}"`
    return { thread, site, body: bytes, gzipped: () => gzip(bytes), etag, personal: true }
  }
  // Gzipped once per page: reads that come while it is being compressed share that one.
  const gzipped = () => (body.gzip ??= gzip(body.bytes).then((b) => (body.gzipped = b)))
  // A shared page of a uri without a query string (whose key needs no settings) can be answered near the wire.
  const shared = cacheKey !== null && tokenHashes.length === 0 && !keyNeedsSettings
  return { thread, site, body: body.bytes, gzipped, etag: body.etag, personal: tokenHashes.length > 0, ...(shared ? { cacheKey } : {}) }
}

/**
 * Reads a thread page from the database (one query; the comments only when the thread's version
 * moved since `old`) and renders it. Keeps `old`'s rendered body (and its gzip) when nothing in
 * it changed, so an unchanged page is not encoded and compressed again every refresh.
 */
async function readThreadPage(
  deps: Deps,
  q: { site: string; uri: string; sort?: ThreadSort | undefined; limit: number; cursor?: string; title?: string },
  cursor: PageCursor | null,
  tokenHashes: string[],
  nowMs: number,
  old: CachedPage | undefined,
  allowOrigin: (site: Site) => boolean,
): Promise<CachedPage> {
  const cache = deps.threadCache
  let entry = old
  // Without `sort`, the site's defaultSort as last seen (the same round trip reads the settings,
  // and a wrong guess is read again in the right order): one query as before.
  let sort: ThreadSort = q.sort ?? entry?.sort ?? cache?.defaultSorts.get(q.site) ?? 'oldest'
  const query = { siteId: q.site, uri: q.uri, sort, limit: q.limit, cursor: cursorFor(cursor, sort), tokenHashes }
  let page = await findThreadPage(deps.db, { ...query, known: entry && entry.sort === sort ? { threadId: entry.thread.id, version: entry.thread.version } : null })
  if (!page.site) throw notFound(`No site "${q.site}".`)
  const site: Site = { id: page.site.id, name: page.site.id, settings: readSettings(page.site.settings), storedSettings: page.site.settings }
  cache?.defaultSorts.set(site.id, site.settings.defaultSort)
  if (q.sort === undefined && site.settings.defaultSort !== sort) {
    sort = site.settings.defaultSort
    query.sort = sort
    query.cursor = cursorFor(cursor, sort)
    page = await findThreadPage(deps.db, query)
    entry = undefined
  }
  const source: TitleSource = allowOrigin(site) ? 'page' : 'read'
  const title = q.title?.trim()
  if (title && titleWanted(page.thread, source)) {
    // "A thread is created on first comment (or first read with a title)."
    await upsertThread(deps.db, { siteId: site.id, uri: q.uri, title, now: deps.clock.now(), source })
    page = await findThreadPage(deps.db, query)
  }
  let commentsJson: string
  let nextCursor: string | null = null
  const unchanged = !page.fresh && entry !== undefined
  if (unchanged) {
    commentsJson = entry!.commentsJson
    nextCursor = entry!.nextCursor
  } else {
    const arranged = arrangeThread(page.rows, sort)
    commentsJson = JSON.stringify(arranged.map(({ row, replies }) => toPublicComment(row, deps.config.publicUrl, replies, row.body_md !== null)))
    if (page.topCount > q.limit) {
      const tops = page.rows.filter((r) => r.parent_id === null)
      const last = sort === 'oldest' ? tops[tops.length - 1] : sort === 'newest' ? tops[0] : tops.sort(bestFirst)[tops.length - 1]
      if (last)
        nextCursor = encodeCursor({ at: new Date(last.created_at).toISOString(), seq: last.seq, ...(sort === 'best' ? { score: last.score } : {}) })
    }
  }
  const thread = page.thread ?? { id: '', title: q.title?.trim() ?? '', title_source: 'read' as const, closed: false, comment_count: 0, version: 0, created_at: new Date(nowMs).toISOString() }
  // Same thread and version, same comments: the encoded body (its thread part is checked per
  // request) and its gzip stay.
  return { site, sort, thread, commentsJson, nextCursor, checkedAt: nowMs, ...(unchanged && entry!.body ? { body: entry!.body } : {}) }
}

/**
 * Adds `"myVote"` to every comment of a serialised `comments` array. Each comment object is the
 * only object in it whose first key is "id" (inside a JSON string a `"` is always escaped), so
 * the page is not parsed again.
 */
export function withMyVotes(commentsJson: string, mine: Map<string, number>): string {
  return commentsJson.replace(/\{"id":"([a-z0-9]+)",/g, (m, id: string) => `${m}"myVote":${mine.get(id) ?? 0},`)
}

/** The stored form of a voter token: an HMAC per site, never the token itself. */
export async function voterKey(deps: Deps, siteId: string, voter: string): Promise<string> {
  return (await deps.keys.sign('voter', `${siteId}\u0000${voter}`)).slice(0, 40)
}

const TITLE_RANK: TitleSource[] = ['read', 'page', 'comment', 'moderator']

/** Whether a read's title should be written: a new thread, an empty title, or a weaker source's. */
function titleWanted(thread: { title: string; title_source: TitleSource } | null, source: TitleSource): boolean {
  return !thread || thread.title === '' || TITLE_RANK.indexOf(source) > TITLE_RANK.indexOf(thread.title_source)
}

/**
 * Where a comment is in its thread, so a link to it (`…#comment-<id>`) can load its page.
 * `status`: what a reader may be told — `pending` covers held and spam alike (bots learn
 * nothing), `gone` covers rejected, deleted and hidden under a comment that was taken down.
 */
export interface Located {
  id: string
  status: 'approved' | 'pending' | 'deleted' | 'gone'
  visible: boolean
  rootId: string | null
  index: number | null
  page: number | null
  cursor: string | null
}

export async function locateComment(
  deps: Deps,
  site: Site,
  id: string,
  q: { uri: string; sort?: ThreadSort | undefined; limit: number },
  tokens: string[],
): Promise<Located> {
  const sort: ThreadSort = q.sort ?? site.settings.defaultSort
  const { db } = deps
  const uri = threadKey(q.uri, site.settings.threadQueryParams)
  const [row, thread] = await Promise.all([findCommentById(db, id), findThreadBySiteUri(db, site.id, uri)])
  if (!row || !thread || row.thread_id !== thread.id) throw notFound('No such comment on this page.')
  const tokenHashes = tokens.map(sha256Hex)
  const hidden = (status: Located['status']): Located => ({ id, status, visible: false, rootId: null, index: null, page: null, cursor: null })
  // The conversation as the thread page would show it to this reader: the comment is on show
  // only if that arrangement keeps it (its own status and every comment above it count).
  const rows = await findConversationRows(db, row.root_id, tokenHashes)
  const shown = arrangeThread(rows, sort).some((x) => x.row.id === id)
  const status: Located['status'] =
    row.status === 'approved' ? 'approved' : row.status === 'pending' || row.status === 'spam' ? 'pending' : row.status === 'deleted' ? 'deleted' : 'gone'
  if (!shown) return hidden(status === 'pending' ? 'pending' : 'gone')
  const pos = await findTopPosition(db, { threadId: thread.id, rootId: row.root_id, sort, limit: q.limit, tokenHashes })
  if (!pos) return hidden('gone')
  return {
    id,
    status,
    visible: true,
    rootId: row.root_id,
    index: pos.index,
    page: Math.floor(pos.index / q.limit),
    cursor: pos.before ? encodeCursor(pos.before) : null,
  }
}

function isPastCloseAfter(site: Site, createdAt: Date, now: Date): boolean {
  const days = site.settings.closeAfterDays
  return days !== null && now.getTime() - createdAt.getTime() > days * 86_400_000
}

/** Finds the comment an edit token speaks for; a wrong or missing token is 403. */
async function commentForToken(trx: Trx, id: string, tokens: string[]): Promise<CommentRow> {
  const row = await findCommentByIdForUpdate(trx, id)
  // The author's own delete spends the token: for them the comment is gone.
  if (!row || (row.status === 'deleted' && !row.edit_token_hash)) throw notFound('No such comment.')
  const hashes = tokens.map(sha256Hex)
  if (!row.edit_token_hash || !hashes.includes(row.edit_token_hash))
    throw forbidden('The edit token is missing or does not match this comment.')
  return row
}

function assertEditable(row: CommentRow, now: Date) {
  if (!row.editable_until || now.getTime() > new Date(row.editable_until).getTime())
    throw new AppError('edit_window_closed', 403, 'The time to edit or delete this comment has passed.')
}

export async function editComment(
  deps: Deps,
  id: string,
  body: string,
  tokens: string[],
  req: RequestInfo,
): Promise<{ comment: PublicComment; editToken: string; editableUntil: string }> {
  const now = deps.clock.now()
  const editToken = newToken()
  const row = await deps.db.transaction().execute(async (trx) => {
    const row = await commentForToken(trx, id, tokens)
    // A moderator's decision (or the author's delete) is final: an edit must not undo it.
    if (row.status !== 'pending' && row.status !== 'approved')
      throw new AppError('not_editable', 409, 'This comment can no longer be edited.')
    assertEditable(row, now)
    if (await hasPublishedReplies(trx, row.id))
      throw new AppError('has_replies', 409, 'This comment has replies and can no longer be edited.')
    const site = await requireSite(trx, row.site_id)
    const thread = await findThreadById(trx, row.thread_id)
    const facts = await findPipelineFacts(trx, {
      siteId: site.id,
      threadId: row.thread_id,
      parentId: row.parent_id,
      name: row.author_name,
      email: row.author_email,
      emailKey: row.email_key,
      ipKey: row.ip_key,
      body,
      floodSince: now,
      now,
    })
    const pipelineFacts = {
      // previouslyApproved counts the comment itself when it was approved before the edit.
      ...facts,
      threadClosed: thread?.closed ?? false,
      threadCreatedAt: new Date(thread?.created_at ?? now),
      isModerator: isModeratorOf(req.moderator, site.id),
    }
    const refused = firstRefusal({ settings: site.settings, now, facts: pipelineFacts }, editRefusalPhases)
    if (refused) throw refusalError(refused)
    const { html, linkCount } = (deps.renderComment ?? renderComment)(body)
    const comment: PipelineComment = {
      name: row.author_name,
      email: row.author_email ?? '',
      url: row.author_url ?? '',
      body,
      html,
      ip: req.ip ?? '',
      userAgent: req.userAgent,
      hp: '',
      elapsedMs: undefined,
      linkCount,
    }
    const decision = runPipeline({ comment, settings: site.settings, now, facts: pipelineFacts }, editPhases)
    if (decision.kind === 'refuse') throw refusalError(decision)
    // An edit may hold or bin a comment, never lift a hold: a pending one stays pending.
    const kept = row.status === 'pending' && decision.status === 'approved'
    const status = kept ? 'pending' : decision.status
    const reasons = kept ? row.reasons : decision.reasons
    await updateCommentContent(trx, row.id, {
      bodyMd: body,
      bodyHtml: html,
      status,
      reasons,
      editTokenHash: sha256Hex(editToken),
      now,
    })
    await insertAuditEntry(trx, {
      siteId: site.id,
      commentId: row.id,
      actor: null,
      action: 'edit',
      from: row.status,
      to: status,
      reason: auditReason(decision.reasons),
      details: { reasons: decision.reasons },
      at: now,
    })
    await refreshThread(trx, row.thread_id, now)
    const updated: CommentRow = { ...row, body_md: body, body_html: html, status, reasons, edited_at: now, updated_at: now }
    if (status !== row.status) await onCommentChanged(trx, deps, { site, comment: updated, from: row.status, to: status, actor: null })
    return updated
  })
  deps.threadCache?.invalidateThread(row.thread_id)
  return {
    comment: toPublicComment(row, deps.config.publicUrl, 0, true),
    editToken,
    editableUntil: new Date(row.editable_until!).toISOString(),
  }
}

export async function deleteComment(deps: Deps, id: string, tokens: string[]): Promise<void> {
  const now = deps.clock.now()
  const threadId = await deps.db.transaction().execute(async (trx) => {
    const row = await commentForToken(trx, id, tokens)
    if (row.status === 'deleted') throw notFound('No such comment.')
    assertEditable(row, now)
    await setCommentStatus(trx, row.id, 'deleted', now)
    await trx.updateTable('comments').set({ edit_token_hash: null }).where('id', '=', row.id).execute()
    await insertAuditEntry(trx, {
      siteId: row.site_id,
      commentId: row.id,
      actor: null,
      action: 'delete_by_author',
      from: row.status,
      to: 'deleted',
      reason: 'Deleted by its author.',
      at: now,
    })
    await refreshThread(trx, row.thread_id, now)
    return row.thread_id
  })
  deps.threadCache?.invalidateThread(threadId)
}

const REPORTS_PER_HOUR = 20

export async function reportComment(
  deps: Deps,
  id: string,
  input: { reason: string; details?: string | undefined },
  req: RequestInfo,
): Promise<void> {
  const now = deps.clock.now()
  const ipKey = req.ip ? await deps.keys.ipKey(req.ip) : null
  await deps.db.transaction().execute(async (trx) => {
    const row = await findCommentByIdForUpdate(trx, id)
    if (!row || row.status !== 'approved') throw notFound('No such comment.')
    if (ipKey) {
      const since = new Date(now.getTime() - 3600_000)
      const recent = await trx
        .selectFrom('reports')
        .select([(eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.min('created_at').as('first')])
        .where('ip_key', '=', ipKey)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow()
      if (Number(recent.n) >= REPORTS_PER_HOUR) {
        const first = recent.first ? new Date(recent.first).getTime() : now.getTime()
        throw rateLimited((first + 3600_000 - now.getTime()) / 1000, 'You have sent many reports; try again later.')
      }
      const already = await trx
        .selectFrom('reports')
        .select('id')
        .where('comment_id', '=', id)
        .where('ip_key', '=', ipKey)
        .where('resolved_at', 'is', null)
        .executeTakeFirst()
      if (already) return // the same reporter twice counts once
    }
    await trx
      .insertInto('reports')
      .values({ comment_id: id, site_id: row.site_id, reason: input.reason, details: input.details || null, ip_key: ipKey, created_at: now })
      .execute()
    await trx
      .updateTable('comments')
      .set((eb) => ({ open_reports: eb('open_reports', '+', 1) }))
      .where('id', '=', id)
      .execute()
  })
}

/**
 * Comment counts for a site's pages, with the site (for the origin check). One round trip when
 * no uri has a query string; otherwise the site's threadQueryParams are needed first.
 */
export async function countComments(deps: Deps, siteId: string, uris: string[]): Promise<{ site: Site; counts: { uri: string; count: number }[] }> {
  if (uris.some((u) => u.includes('?'))) {
    const site = await requireSite(deps.db, siteId)
    const keys = uris.map((uri) => threadKey(uri, site.settings.threadQueryParams))
    const counts = await countsByUris(deps.db, site.id, [...new Set(keys)])
    return { site, counts: keys.map((uri) => ({ uri, count: counts.get(uri) ?? 0 })) }
  }
  const found = await findSiteWithCounts(deps.db, siteId, [...new Set(uris)])
  if (!found) throw notFound(`No site "${siteId}".`)
  const site = siteFromRow(found.site)
  const counts = found.counts
  return { site, counts: uris.map((uri) => ({ uri, count: counts.get(uri) ?? 0 })) }
}

/**
 * The body of a counts answer (`{"counts":[…]}`), kept per site and uri list for
 * THREAD_CACHE_SECONDS like the thread pages: a write through this instance drops it at once,
 * another instance's writes show once it is that old, and the requests that find it stale at the
 * same moment share one query. `key`: what it is kept under (null with the cache off).
 */
export async function countsAnswer(deps: Deps, siteId: string, uris: string[]): Promise<{ site: Site; body: Uint8Array<ArrayBuffer>; key: string | null }> {
  const cache = deps.threadCache
  const nowMs = deps.clock.now().getTime()
  const read = async (): Promise<CachedCounts> => {
    const { site, counts } = await countComments(deps, siteId, uris)
    return { site, checkedAt: nowMs, body: new TextEncoder().encode(JSON.stringify({ counts })) as Uint8Array<ArrayBuffer> }
  }
  if (!cache || cache.ttlMs <= 0) return { ...(await read()), key: null }
  const key = [siteId, ...uris].join('\u0000')
  let entry = cache.getCounts(key)
  if (!entry || nowMs - entry.checkedAt >= cache.ttlMs) entry = await cache.refreshCounts(key, read)
  return { site: entry.site, body: entry.body, key }
}

export function publicConfig(site: Site) {
  const s = site.settings
  return {
    requireNameEmail: s.requireNameEmail,
    maxDepth: s.maxDepth,
    editWindowSeconds: s.editWindowSeconds,
    maxBodyLength: MAX_BODY_LENGTH,
    replyNotifications: s.replyNotifications,
    formPosition: s.formPosition,
    defaultSort: s.defaultSort,
    downvotes: s.downvotes,
    follows: s.follows,
  }
}

/** The site a comment belongs to, for the origin check before acting on it. */
export async function siteOfComment(deps: Deps, id: string): Promise<Site> {
  const row = await deps.db.selectFrom('comments').select('site_id').where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('No such comment.')
  return requireSite(deps.db, row.site_id)
}
