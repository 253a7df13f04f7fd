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
  body?: {
    threadJson: string
    etag: string
    bytes: Uint8Array<ArrayBuffer>
    gzip?: Promise<Uint8Array<ArrayBuffer>>
    /** The gzip once it is done (what a cached answer near the wire sends). */
    gzipped?: Uint8Array<ArrayBuffer>
    /** The thread row the body was last checked against (a kept body is checked on the next read). */
    thread: CachedPage['thread']
    /** `closed` as the body says it, and when the site's closeAfterDays closes the thread (ms; null: never). */
    closed: boolean
    closesAt: number | null
  }
}

/** A counts answer (`GET /api/counts`) for one site and list of uris, encoded once. */
export interface CachedCounts {
  site: Site
  checkedAt: number
  body: Uint8Array<ArrayBuffer>
}

/** What a request URL (path and query, as a server saw it) was answered from: a page or counts by key. */
export interface WiredUrl {
  kind: 'page' | 'counts'
  key: string
}

/** Gzip with the web CompressionStream (Node and Workers alike). */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** A Map in insertion order that drops its oldest entries past `maxBytes` (sizes as the caller counts them). */
class SizedMap<V> {
  private readonly map = new Map<string, { value: V; size: number }>()
  private bytes = 0
  constructor(private readonly maxBytes: number) {}
  get(key: string): V | undefined {
    return this.map.get(key)?.value
  }
  set(key: string, value: V, size: number): void {
    this.delete(key)
    this.map.set(key, { value, size })
    this.bytes += size
    for (const [k] of this.map) {
      if (this.bytes <= this.maxBytes) break
      this.delete(k)
    }
  }
  delete(key: string): void {
    const old = this.map.get(key)
    if (!old) return
    this.map.delete(key)
    this.bytes -= old.size
  }
  clear(): void {
    this.map.clear()
    this.bytes = 0
  }
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
  /** Counts answers by site and uri list, and their refreshes under way. */
  private readonly counts: SizedMap<CachedCounts>
  private readonly countsInflight = new Map<string, Promise<CachedCounts>>()
  /** Request URLs answered from a cached page or counts: the near-the-wire lookup (src/http/near-wire.node.ts). */
  private readonly wired: SizedMap<WiredUrl>
  constructor(
    readonly ttlMs = 1000,
    /** Pages' comments at most; counts and the noted URLs a quarter of it each. */
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.counts = new SizedMap(maxBytes / 4)
    this.wired = new SizedMap(maxBytes / 4)
  }

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
    return this.once(this.inflight, key, read, (page) => page.thread.id !== '' && this.set(key, page))
  }

  /** The page for `key` without touching its recency (the per-request lookup near the wire). */
  peek(key: string): CachedPage | undefined {
    return this.entries.get(key)
  }

  /** A counts answer as kept (fresh or not: the caller checks `checkedAt` against `ttlMs`). */
  getCounts(key: string): CachedCounts | undefined {
    return this.counts.get(key)
  }

  /** Like `refresh`, for counts: one query for all the requests that find them stale meanwhile. */
  refreshCounts(key: string, read: () => Promise<CachedCounts>): Promise<CachedCounts> {
    return this.once(this.countsInflight, key, read, (counts) => this.counts.set(key, counts, key.length * 2 + counts.body.length))
  }

  /** Notes that `url` (path and query) is answered by the page or counts under `key`. */
  wire(url: string, to: WiredUrl): void {
    if (this.wired.get(url)?.key === to.key) return
    this.wired.set(url, to, (url.length + to.key.length) * 2 + 64)
  }

  /** What `url` was answered from, if it was (the entry itself may be gone or stale). */
  wiredTo(url: string): WiredUrl | undefined {
    return this.wired.get(url)
  }

  /** `read` once per key at a time; its result kept by `keep` unless an invalidation came meanwhile. */
  private once<T>(inflight: Map<string, Promise<T>>, key: string, read: () => Promise<T>, keep: (value: T) => void): Promise<T> {
    const running = inflight.get(key)
    if (running) return running
    const generation = this.generation
    const p = read().then(
      (value) => {
        if (inflight.get(key) === p) inflight.delete(key)
        if (generation === this.generation) keep(value)
        return value
      },
      (err: unknown) => {
        if (inflight.get(key) === p) inflight.delete(key)
        throw err
      },
    )
    inflight.set(key, p)
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
    // Counts are not keyed by thread: any write through this instance drops them all.
    this.countsInflight.clear()
    this.counts.clear()
    for (const l of this.listeners) l(threadId)
  }

  /**
   * Drops every page and counts answer of a site (after its settings changed through this
   * instance: defaultSort, closeAfterDays and origins shape what a cached answer says).
   */
  invalidateSite(siteId: string): void {
    this.generation++
    this.inflight.clear()
    this.defaultSorts.delete(siteId)
    for (const [k, v] of this.entries) if (v.site.id === siteId) this.delete(k)
    this.countsInflight.clear()
    this.counts.clear()
  }

  /** Called on every write through this instance that changes a thread: the in-process event bus. */
  onInvalidate(listener: (threadId: string) => void): void {
    this.listeners.push(listener)
  }

  get size(): number {
    return this.entries.size
  }
}
