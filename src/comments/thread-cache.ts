import type { TitleSource } from '../../db/schema.js'
import type { ThreadSort } from './comment.repository.js'
import type { Site } from '../sites/site.service.js'

/**
 * Rendered thread pages, kept per app instance and keyed by the query.
 * - Within `ttlMs` of the last check a page is served without asking the database
 *   (a micro-cache, like the short shared cache the design allows; writes made through this
 *   instance drop the thread's pages at once, other instances' writes show within `ttlMs`).
 * - After that, the one query that reads the thread also says whether the thread's version
 *   moved; if not, the rendered comments are reused without reading them again.
 */
export interface CachedPage {
  site: Site
  /** The order the page was read in (the request's `sort`, else the site's defaultSort then). */
  sort: ThreadSort
  thread: { id: string; title: string; title_source: TitleSource; closed: boolean; comment_count: number; version: number; created_at: string }
  /** The `comments` array, already serialised. */
  commentsJson: string
  nextCursor: string | null
  checkedAt: number
  /** The whole response body, encoded, for the thread part (title, count, closed) it was built with; gzipped once. */
  body?: { threadJson: string; etag: string; bytes: Uint8Array<ArrayBuffer>; gzip?: Promise<Uint8Array<ArrayBuffer>> }
}

/** Gzip with the web CompressionStream (Node and Workers alike). */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

export class ThreadPageCache {
  private readonly entries = new Map<string, CachedPage>()
  /** Refreshes under way, by key: later reads of a stale page wait for the one query. */
  private readonly inflight = new Map<string, Promise<CachedPage>>()
  /** Bumped by every invalidation: a refresh that began before one is not kept (nor joined). */
  private generation = 0
  /** Each site's defaultSort as its last page read saw it: a read without `sort` starts there. */
  readonly defaultSorts = new Map<string, ThreadSort>()
  private bytes = 0
  constructor(
    readonly ttlMs = 1000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  get(key: string): CachedPage | undefined {
    const hit = this.entries.get(key)
    if (hit) {
      // Map order is recency order: move the hit to the end.
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit
  }

  set(key: string, page: CachedPage): void {
    this.delete(key)
    this.entries.set(key, page)
    this.bytes += page.commentsJson.length
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(k)
      this.bytes -= v.commentsJson.length
    }
  }

  /**
   * The page for `key` read afresh by `read`, once for all the reads asking meanwhile; kept
   * (when it has a thread) unless a write through this instance invalidated a thread meanwhile.
   */
  refresh(key: string, read: () => Promise<CachedPage>): Promise<CachedPage> {
    const running = this.inflight.get(key)
    if (running) return running
    const generation = this.generation
    const p = read().then(
      (page) => {
        if (this.inflight.get(key) === p) this.inflight.delete(key)
        if (page.thread.id !== '' && generation === this.generation) this.set(key, page)
        return page
      },
      (err: unknown) => {
        if (this.inflight.get(key) === p) this.inflight.delete(key)
        throw err
      },
    )
    this.inflight.set(key, p)
    return p
  }

  delete(key: string): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.bytes -= old.commentsJson.length
    }
  }

  private readonly listeners: ((threadId: string) => void)[] = []

  /** Drops every page of a thread (after a write through this instance), and says so to listeners (the live stream). */
  invalidateThread(threadId: string): void {
    this.generation++
    // A refresh under way may have read the thread before the write: later reads start their own.
    this.inflight.clear()
    for (const [k, v] of this.entries) if (v.thread.id === threadId) this.delete(k)
    for (const l of this.listeners) l(threadId)
  }

  /** Called on every write through this instance that changes a thread: the in-process event bus. */
  onInvalidate(listener: (threadId: string) => void): void {
    this.listeners.push(listener)
  }

  get size(): number {
    return this.entries.size
  }
}
