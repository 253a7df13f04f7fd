/**
 * Rendered thread pages, kept per app instance and keyed by the query. An entry is used only
 * after the database confirms (in the same single query that reads the thread) that the
 * thread's version has not moved, so it is never stale, and other instances' writes count.
 */
export interface CachedPage {
  threadId: string
  version: number
  /** The `comments` array, already serialised. */
  commentsJson: string
  nextCursor: string | null
}

export class ThreadPageCache {
  private readonly entries = new Map<string, CachedPage>()
  private bytes = 0
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

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

  delete(key: string): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.bytes -= old.commentsJson.length
    }
  }

  get size(): number {
    return this.entries.size
  }
}
