/** The public API as the widget speaks it (API.md, "Public API"). */
export interface Author {
  name: string
  url: string | null
  avatar: string
  /** "staff" (a moderator of the site), "author" (the article's registered author), else null. */
  badge?: 'staff' | 'author' | null
}

export interface PComment {
  id: string
  parentId: string | null
  depth: number
  author: Author
  html: string
  createdAt: string
  editedAt: string | null
  status: 'approved' | 'pending' | 'deleted'
  replyCount: number
  /** Markdown source: only on the reader's own comments (their edit tokens). */
  body?: string
  upvotes?: number
  downvotes?: number
  /** This browser's vote (only when the read sent its voter token). */
  myVote?: Vote
}

export type Vote = 1 | -1 | 0
export type Sort = 'oldest' | 'newest' | 'best'

export interface Located {
  status: 'approved' | 'pending' | 'deleted' | 'gone'
  visible: boolean
  index: number | null
}

export interface ThreadPage {
  thread: { uri: string; title: string; commentCount: number; closed: boolean }
  comments: PComment[]
  nextCursor: string | null
}

export interface SiteConfig {
  requireNameEmail: boolean
  maxDepth: number
  editWindowSeconds: number
  maxBodyLength: number
  replyNotifications: boolean
  /** Where the form goes (a site setting; older servers do not say: bottom). */
  formPosition?: 'top' | 'bottom'
  defaultSort?: Sort
  downvotes?: boolean
  /** "Email me new comments on this article" is offered (older servers do not say: not offered). */
  follows?: boolean
}

export interface Posted {
  comment: PComment
  editToken: string
  editableUntil: string
}

export interface FieldError {
  path: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly retryAfter = 0,
  ) {
    super(message)
  }
}

export type Api = ReturnType<typeof createApi>

export function createApi(base: string) {
  async function call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; tokens?: string[]; voter?: string | null; etag?: string | undefined } = {},
  ): Promise<{ status: number; data: T; etag?: string | null }> {
    const headers: Record<string, string> = {}
    if (opts.etag) headers['If-None-Match'] = opts.etag
    if (opts.voter) headers['X-Parley-Voter'] = opts.voter
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
    if (opts.tokens?.length) headers.Authorization = `Bearer ${opts.tokens.join(', ')}`
    let res: Response
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: opts.body === undefined ? null : JSON.stringify(opts.body),
        // The API is cookie-free for readers; nothing ambient should ride along.
        credentials: 'omit',
        mode: 'cors',
      })
    } catch {
      throw new ApiError(0, 'network', 'The comment service could not be reached. Check your connection and try again.')
    }
    // 304: nothing changed since the ETag the live poll sent (live.ts).
    if (res.status === 204 || res.status === 304) return { status: res.status, data: undefined as T }
    let data: unknown = null
    try {
      data = await res.json()
    } catch {
      // an empty or non-JSON body falls through to the generic error below
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error
      throw new ApiError(
        res.status,
        e?.code ?? 'error',
        e?.message ?? 'Something went wrong. Please try again.',
        e?.fields ?? [],
        Number(res.headers.get('Retry-After')) || 0,
      )
    }
    return { status: res.status, data: data as T, etag: res.headers.get('ETag') }
  }
  const q = (params: Record<string, string | string[] | undefined>) => {
    const sp = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) sp.append(k, x)
    return sp.toString()
  }
  return {
    config: (site: string) => call<SiteConfig>('GET', `/api/config?${q({ site })}`).then((r) => r.data),
    thread: (site: string, uri: string, cursor: string | null, tokens: string[], limit?: number, sort?: Sort, voter?: string | null, etag?: string) =>
      call<ThreadPage>('GET', `/api/comments?${q({ site, uri, cursor: cursor ?? undefined, limit: limit ? String(limit) : undefined, sort })}`, { tokens, voter, etag }),
    locate: (site: string, uri: string, id: string, tokens: string[], sort?: Sort) =>
      call<Located>('GET', `/api/comments/${encodeURIComponent(id)}/locate?${q({ site, uri, sort })}`, { tokens }).then((r) => r.data),
    vote: (id: string, value: Vote, voter: string, tokens: string[]) =>
      call<{ upvotes: number; downvotes: number; myVote: Vote }>('POST', `/api/comments/${encodeURIComponent(id)}/vote`, { body: { value, voter }, tokens }).then((r) => r.data),
    post: (body: Record<string, unknown>) => call<Posted>('POST', '/api/comments', { body }),
    edit: (id: string, body: string, token: string) =>
      call<Posted>('PATCH', `/api/comments/${encodeURIComponent(id)}`, { body: { body }, tokens: [token] }).then((r) => r.data),
    remove: (id: string, token: string) => call<void>('DELETE', `/api/comments/${encodeURIComponent(id)}`, { tokens: [token] }),
    report: (id: string, reason: string, details: string) =>
      call<unknown>('POST', `/api/comments/${encodeURIComponent(id)}/report`, { body: details ? { reason, details } : { reason } }),
    follow: (body: { site: string; uri: string; title: string; email: string; lang: string }) => call<{ ok: true }>('POST', '/api/follows', { body }),
    counts: (site: string, uris: string[]) =>
      call<{ counts: { uri: string; count: number }[] }>('GET', `/api/counts?${q({ site, uri: uris })}`).then((r) => r.data.counts),
  }
}
