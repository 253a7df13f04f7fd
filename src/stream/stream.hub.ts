import type { Deps } from '../deps.js'
import { toDate } from '../db/index.js'
import { toPublicComment, type PublicComment } from '../comments/comment.mapper.js'
import { findChangedComments, type ChangedRow } from './stream.repository.js'

export type StreamEvent = { event: 'comment' | 'update'; id: string; comment: PublicComment } | { event: 'remove'; id: string; comment: { id: string } }

export interface Subscriber {
  site: string
  uri: string
  send(e: StreamEvent): void
}

export interface StreamHubOptions {
  /** How often the database is asked what changed on the watched threads (another server's writes). */
  pollMs?: number
  /** Changes are read again this far back: commits that land out of order, clocks a little apart. */
  overlapMs?: number
  /** Open streams this server holds at most (503 past it). */
  maxConnections?: number
}

/**
 * Live updates for `GET /api/stream`: one hub per server. Writes through this server wake it at
 * once (the thread page cache's invalidation is the in-process event); a cheap poll — one indexed
 * query for all watched threads — also catches other servers' writes on the same database. Each
 * change is classified once and sent to every subscriber of its thread.
 */
export class StreamHub {
  readonly pollMs: number
  readonly overlapMs: number
  readonly maxConnections: number
  private readonly subs = new Map<string, Set<Subscriber>>()
  private count = 0
  private timer: ReturnType<typeof setInterval> | null = null
  private since: Date | null = null
  /** The version of each comment last sent (`updated_at` ms + status), kept for the overlap window. */
  private readonly sent = new Map<string, { v: string; at: number }>()
  private polling: Promise<void> | null = null
  private again = false

  constructor(
    private readonly deps: Deps,
    opts: StreamHubOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000
    this.overlapMs = opts.overlapMs ?? 5000
    this.maxConnections = opts.maxConnections ?? 5000
    deps.threadCache?.onInvalidate(() => this.nudge())
  }

  get size(): number {
    return this.count
  }

  get full(): boolean {
    return this.count >= this.maxConnections
  }

  subscribe(s: Subscriber): () => void {
    const key = `${s.site}\u0000${s.uri}`
    let set = this.subs.get(key)
    if (!set) this.subs.set(key, (set = new Set()))
    set.add(s)
    this.count++
    if (!this.timer) {
      this.since = new Date(this.deps.clock.now().getTime() - this.overlapMs)
      this.timer = setInterval(() => this.nudge(), this.pollMs)
      ;(this.timer as { unref?: () => void }).unref?.()
    }
    return () => {
      if (!set.delete(s)) return
      this.count--
      if (set.size === 0) this.subs.delete(key)
      if (this.count === 0 && this.timer) {
        clearInterval(this.timer)
        this.timer = null
        this.sent.clear()
      }
    }
  }

  /** Polls now (coalesced: one poll at a time, one more if asked during it). */
  nudge(): void {
    if (this.count === 0) return
    if (this.polling) {
      this.again = true
      return
    }
    this.polling = this.poll()
      .catch((err) => this.deps.log.warn('stream poll failed', { error: String(err) }))
      .finally(() => {
        this.polling = null
        if (this.again) {
          this.again = false
          this.nudge()
        }
      })
  }

  /** Waits for a running poll (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.polling) await this.polling
  }

  private async poll(): Promise<void> {
    const now = this.deps.clock.now().getTime()
    const since = this.since ?? new Date(now - this.overlapMs)
    const threads = [...this.subs.values()].map((set) => set.values().next().value!).map((s) => ({ site: s.site, uri: s.uri }))
    const rows = await findChangedComments(this.deps.db, threads, since, 1000)
    let newest = since.getTime()
    for (const row of rows) {
      const at = toDate(row.updated_at).getTime()
      newest = Math.max(newest, at)
      const v = `${at}|${row.status}`
      if (this.sent.get(row.id)?.v === v) continue
      this.sent.set(row.id, { v, at })
      const e = classify(row, this.deps.config.publicUrl)
      // A comment held or binned as it was posted was never on show: nothing to tell readers.
      if (e.event === 'remove' && row.status !== 'deleted' && toDate(row.created_at).getTime() === at) continue
      for (const s of this.subs.get(`${row.site_id}\u0000${row.thread_uri}`) ?? []) s.send(e)
    }
    // Next time, read again from a little before the newest change seen (or now).
    this.since = new Date(Math.max(newest, now) - this.overlapMs)
    const cutoff = this.since.getTime() - this.overlapMs
    for (const [id, x] of this.sent) if (x.at < cutoff) this.sent.delete(id)
  }
}

/** A changed comment as readers see the change: new (or newly published), edited, or gone. */
export function classify(row: ChangedRow, publicUrl: string): StreamEvent {
  if (row.status !== 'approved') return { event: 'remove', id: row.id, comment: { id: row.id } }
  const edited = row.edited_at !== null && toDate(row.edited_at).getTime() === toDate(row.updated_at).getTime()
  return { event: edited ? 'update' : 'comment', id: row.id, comment: toPublicComment(row, publicUrl, 0) }
}
