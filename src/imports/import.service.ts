import type { CommentStatus } from '../../db/schema.js'
import type { Executor } from '../db/index.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { newId } from '../lib/ids.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { MAX_BODY_LENGTH, readSettings } from '../sites/settings.js'
import { requireSite, setSiteSettings, type Site } from '../sites/site.service.js'
import { findThreadBySiteUri, refreshThread, setThreadAuthorsIfEmpty, upsertThread } from '../threads/thread.repository.js'
import { normaliseUri } from '../threads/uri.js'
import { readDisqus } from './disqus.js'
import {
  closeThreadById,
  countThreadsBySite,
  deleteCommentsByIds,
  findImportedBySourceIds,
  findPlacedById,
  findTakenCommentIds,
  insertAuthorIfMissing,
  insertBanIfMissing,
  insertImportedComments,
  insertImportedReports,
  lockSiteForImport,
  type ImportCommentRow,
  type Placed,
} from './import.repository.js'
import { toCommentRow } from './mapper.js'
import { readParley } from './parley.js'
import { flat, ImportFormatError, type ImportFormat, type Input, type SourceComment, type SourceEvent, type SourceThread } from './source.js'
import { readWordPress } from './wordpress.js'

export { ImportFormatError }

/** The `--json` line, exactly as issue 11 names it. */
export interface ImportSummary {
  threads: number
  comments: number
  byStatus: Record<CommentStatus, number>
  skipped: { pingback: number; trackback: number; orphan: number; alreadyImported: number; invalid: number }
  seconds: number
}

export interface ImportResult {
  summary: ImportSummary
  format: ImportFormat
  /** e.g. `wordpress:https://news.example`: what (source, source id) pairs are remembered under. */
  source: string
  dryRun: boolean
  /** Threads the --url-map moved to another uri. */
  moved: number
  /** Disqus: deleted posts without imported replies (no tombstone needed), not imported. */
  deletedWithoutReplies: number
  /** The first 20 records skipped as invalid, with why. */
  invalidRecords: { line: number; id: string; reason: string }[]
  /** A Parley export's site settings were applied (the site was empty). */
  settingsApplied: boolean
}

export interface ImportOptions {
  site: string
  format: ImportFormat
  input: Input
  dryRun: boolean
  /** Old uri → new uri, both already thread keys (see readUrlMap). */
  urlMap?: Map<string, string> | null
  /** The admin who ran it, or null for the CLI. */
  actor: { id: string; email: string } | null
  onProgress?: (p: { comments: number; skipped: number }) => void
}

const READERS: Record<ImportFormat, (input: Input) => AsyncGenerator<SourceEvent>> = {
  wordpress: readWordPress,
  disqus: readDisqus,
  parley: readParley,
}

const LABEL: Record<ImportFormat, string> = { wordpress: 'WordPress', disqus: 'Disqus', parley: 'Parley export' }

/** Comments held before they are settled and written: bounds memory, amortises round trips. */
const BATCH = 1000
const INSERT_ROWS = 500

/**
 * Imports one file into one site, all or nothing: one transaction (none for a dry run, which
 * only reads), one audit entry, no email or subscription of any kind, statuses from the source
 * (the moderation pipeline does not re-judge history). A file that is not well-formed, or not
 * this format, throws ImportFormatError and nothing is written.
 */
export async function runImport(deps: Deps, opts: ImportOptions): Promise<ImportResult> {
  const started = performance.now()
  const site = await requireSite(deps.db, opts.site)
  const work = async (db: Executor) => {
    if (!opts.dryRun) await lockSiteForImport(db, site.id)
    const run = new ImportRun(deps, db, site, opts)
    for await (const e of READERS[opts.format](opts.input)) await run.handle(e)
    return run.finish()
  }
  const { result, touched } = opts.dryRun ? await work(deps.db) : await deps.db.transaction().execute(work)
  for (const id of touched) deps.threadCache?.invalidateThread(id)
  result.summary.seconds = Math.round((performance.now() - started) / 10) / 100
  if (!opts.dryRun)
    deps.log.info('import finished', { site: site.id, format: opts.format, comments: result.summary.comments, threads: result.summary.threads, seconds: result.summary.seconds })
  return result
}

/**
 * The source ids a file has shown, compact: WordPress and Disqus ids are decimal numbers and are
 * kept as numbers (no string per comment for the whole run); any other id as a flat string.
 */
class SourceIdSet {
  private readonly numbers = new Set<number>()
  private readonly strings = new Set<string>()

  private static numeric(id: string): number | null {
    return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : null
  }

  has(id: string): boolean {
    const n = SourceIdSet.numeric(id)
    return n === null ? this.strings.has(id) : this.numbers.has(n)
  }

  add(id: string): void {
    const n = SourceIdSet.numeric(id)
    if (n === null) this.strings.add(flat(id))
    else this.numbers.add(n)
  }
}

interface FileThread {
  source: SourceThread
  /** The thread key here, or null when the page address is unusable. */
  uri: string | null
}

class ImportRun {
  private source = ''
  private settings
  private readonly threads = new Map<string, FileThread>()
  /** uri → the database thread (created on its first imported comment). */
  private readonly dbThreads = new Map<string, string>()
  private readonly threadsWithNew = new Set<string>()
  private readonly movedThreads = new Set<string>()
  private readonly placed = new Map<string, Placed>()
  private readonly byId = new Map<string, Placed>()
  private readonly seen = new SourceIdSet()
  private readonly waiting = new Map<string, SourceComment[]>()
  private buffer: SourceComment[] = []
  private rows: { row: ImportCommentRow; source: string; sourceId: string; reports: NonNullable<SourceComment['extra']>['reports'] }[] = []
  /** Disqus: how many imported replies each deleted post has (its tombstone stays only with some). */
  private readonly tombstoneReplies = new Map<string, number>()
  private readonly tombstones: Placed[] = []
  private readonly touched = new Set<string>()
  private settingsApplied = false
  private deletedWithoutReplies = 0
  private readonly result: ImportResult
  private readonly now: Date

  constructor(
    private readonly deps: Deps,
    private readonly db: Executor,
    private site: Site,
    private readonly opts: ImportOptions,
  ) {
    this.settings = site.settings
    this.now = deps.clock.now()
    this.result = {
      summary: {
        threads: 0,
        comments: 0,
        byStatus: { approved: 0, pending: 0, spam: 0, rejected: 0, deleted: 0 },
        skipped: { pingback: 0, trackback: 0, orphan: 0, alreadyImported: 0, invalid: 0 },
        seconds: 0,
      },
      format: opts.format,
      source: '',
      dryRun: opts.dryRun,
      moved: 0,
      deletedWithoutReplies: 0,
      invalidRecords: [],
      settingsApplied: false,
    }
  }

  async handle(e: SourceEvent): Promise<void> {
    switch (e.type) {
      case 'source':
        this.source = flat(e.source)
        this.result.source = this.source
        if (e.site) await this.applySettings(e.site.settings)
        return
      case 'thread':
        return this.addThread(e.thread)
      case 'comment':
        this.buffer.push(e.comment)
        if (this.buffer.length >= BATCH * 5) await this.settle(false)
        return
      case 'boundary':
        // Parents are per item in WordPress: past a boundary a missing parent stays missing.
        if (this.buffer.length >= BATCH) await this.settle(true)
        return
      case 'author':
        if (!this.opts.dryRun) await insertAuthorIfMissing(this.db, { siteId: this.site.id, ...e.author })
        return
      case 'ban':
        if (!this.opts.dryRun) {
          const email = e.ban.email?.trim() || null
          await insertBanIfMissing(this.db, {
            id: e.ban.id,
            siteId: this.site.id,
            email,
            emailKey: email ? await this.deps.keys.emailKey(email) : null,
            ipKey: e.ban.ipKey,
            reason: e.ban.reason,
            expiresAt: e.ban.expiresAt,
            createdAt: e.ban.createdAt,
          })
        }
        return
    }
  }

  /** A Parley export into an empty site brings its settings along (the site's own origins win). */
  private async applySettings(exported: Record<string, unknown>): Promise<void> {
    if ((await countThreadsBySite(this.db, this.site.id)) > 0) return
    const stored = { ...exported }
    const origins = this.site.storedSettings.origins
    if (Array.isArray(origins) && origins.length) stored.origins = origins
    const settings = readSettings(stored)
    this.settings = settings
    this.settingsApplied = true
    if (!this.opts.dryRun) await setSiteSettings(this.db, this.site.id, stored)
    this.site = { ...this.site, settings, storedSettings: stored }
  }

  private async addThread(t: SourceThread): Promise<void> {
    let uri = normaliseUri(t.link, this.settings.threadQueryParams)
    const mapped = uri !== null ? this.opts.urlMap?.get(uri) : undefined
    if (mapped !== undefined && mapped !== uri) {
      this.movedThreads.add(t.key)
      uri = mapped
    }
    // Kept for the whole run (or the whole batch): copies that do not pin the read chunk.
    const source: SourceThread = { ...t, key: flat(t.key), link: flat(t.link), title: flat(t.title) }
    this.threads.set(source.key, { source, uri: uri === null ? null : flat(uri) })
    // A Parley export's threads come over even without comments (a titled page, its authors).
    if (this.opts.format === 'parley' && uri !== null) await this.threadId(uri, t)
  }

  /** The database thread for a uri, created (with the source's title, date, closed flag) on first use. */
  private async threadId(uri: string, t: SourceThread): Promise<string> {
    const known = this.dbThreads.get(uri)
    if (known) return known
    let id: string
    if (this.opts.dryRun) {
      const existing = await findThreadBySiteUri(this.db, this.site.id, uri)
      if (!existing && this.opts.format === 'parley') this.threadsWithNew.add(uri)
      id = existing?.id ?? `dry-run:${uri}`
    } else {
      // One round trip: created with the source's date, or found (a title fills an empty one).
      const existing = this.opts.format === 'parley' ? await findThreadBySiteUri(this.db, this.site.id, uri) : undefined
      if (this.opts.format === 'parley' && !existing) this.threadsWithNew.add(uri)
      const row = await upsertThread(this.db, { siteId: this.site.id, uri, title: t.title, now: t.createdAt ?? this.now })
      if (t.closed && !row.closed) await closeThreadById(this.db, row.id)
      if (t.authors?.length) await setThreadAuthorsIfEmpty(this.db, row.id, t.authors)
      id = row.id
      this.touched.add(id)
    }
    this.dbThreads.set(uri, id)
    return id
  }

  private skip(c: SourceComment, kind: keyof ImportSummary['skipped'], reason?: string): void {
    this.result.summary.skipped[kind]++
    if (kind === 'invalid' && this.result.invalidRecords.length < 20)
      this.result.invalidRecords.push({ line: c.line, id: c.sourceId.slice(0, 80), reason: reason ?? 'invalid' })
  }

  /** Where a comment's (source, id) pair is remembered: a Parley export keeps the first source. */
  private identity(c: SourceComment): { source: string; sourceId: string } {
    return c.extra?.origin ?? { source: this.source, sourceId: c.sourceId }
  }

  /** Writes what the buffer holds: skips, duplicates, then each comment under its parent. */
  private async settle(atBoundary: boolean): Promise<void> {
    const batch = this.buffer
    this.buffer = []
    const live: SourceComment[] = []
    for (const c of batch) {
      if (c.skip) {
        this.skip(c, c.skip.kind, c.skip.reason)
        continue
      }
      const thread = this.threads.get(c.threadKey)
      if (!thread) {
        this.skip(c, 'orphan')
        continue
      }
      if (thread.uri === null) {
        this.skip(c, 'invalid', `the page address "${thread.source.link.slice(0, 100)}" is not usable`)
        continue
      }
      if ([...c.text].length > MAX_BODY_LENGTH) {
        this.skip(c, 'invalid', `longer than ${MAX_BODY_LENGTH} characters`)
        continue
      }
      if (this.seen.has(c.sourceId)) {
        this.skip(c, 'alreadyImported')
        continue
      }
      this.seen.add(c.sourceId)
      live.push(c)
    }

    // Already imported by an earlier run: counted, and kept as parents for new replies.
    const bySource = new Map<string, SourceComment[]>()
    for (const c of live) {
      const { source } = this.identity(c)
      bySource.set(source, [...(bySource.get(source) ?? []), c])
    }
    const already = new Set<SourceComment>()
    for (const [source, list] of bySource) {
      const idOf = new Map(list.map((c) => [this.identity(c).sourceId, c]))
      for (let i = 0; i < list.length; i += 1000) {
        const found = await findImportedBySourceIds(this.db, this.site.id, source, [...idOf.keys()].slice(i, i + 1000))
        for (const f of found) {
          const c = idOf.get(f.sourceId)!
          already.add(c)
          this.remember(c.sourceId, f)
        }
      }
    }
    const fresh = live.filter((c) => {
      if (!already.has(c)) return true
      this.skip(c, 'alreadyImported')
      return false
    })

    // A Parley export keeps its comment ids where they are free (old #comment-<id> links keep working).
    const taken = this.opts.format === 'parley' ? await findTakenCommentIds(this.db, fresh.map((c) => c.extra!.id)) : new Set<string>()

    fresh.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.line - b.line)
    const pending = new Map(fresh.map((c) => [c.sourceId, c]))
    for (const c of fresh) await this.place(c, pending, taken, false)
    if (atBoundary) await this.releaseWaiting()
    await this.flushRows()
    // WordPress parents are per post: past a boundary nothing refers back, so memory stays flat.
    if (atBoundary && this.opts.format === 'wordpress') {
      this.placed.clear()
      this.byId.clear()
      this.threads.clear()
    }
    this.opts.onProgress?.({ comments: this.result.summary.comments, skipped: this.skippedCount() })
  }

  private skippedCount(): number {
    const s = this.result.summary.skipped
    return s.pingback + s.trackback + s.orphan + s.alreadyImported + s.invalid
  }

  private remember(sourceId: string, p: Placed): void {
    this.placed.set(flat(sourceId), p)
    this.byId.set(p.id, p)
  }

  /** Waiting replies whose parent never came: top-level, as the issue asks. */
  private async releaseWaiting(): Promise<void> {
    while (this.waiting.size) {
      const lists = [...this.waiting.values()]
      this.waiting.clear()
      for (const c of lists.flat().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.line - b.line))
        await this.place(c, new Map(), new Set(), true)
    }
  }

  private async place(c: SourceComment, pending: Map<string, SourceComment>, taken: Set<string>, orphanParent: boolean): Promise<void> {
    if (!pending.has(c.sourceId) && this.placed.has(c.sourceId)) return
    pending.delete(c.sourceId)
    const thread = this.threads.get(c.threadKey)!
    const threadId = await this.threadId(thread.uri!, thread.source)

    let parent: Placed | undefined
    if (c.parentSourceId && !orphanParent) {
      const inBatch = pending.get(c.parentSourceId)
      if (inBatch) await this.place(inBatch, pending, taken, false)
      parent = this.placed.get(c.parentSourceId)
      if (!parent) {
        // Its parent may still come later in the file (Disqus lists posts in any order).
        this.waiting.set(flat(c.parentSourceId), [...(this.waiting.get(c.parentSourceId) ?? []), c])
        return
      }
      if (parent.threadId !== threadId) parent = undefined
    }
    // maxDepth counts levels: a reply past the deepest level joins its parent's level (as posting does).
    while (parent && parent.depth + 1 >= this.settings.maxDepth && parent.parentId) {
      parent = this.byId.get(parent.parentId) ?? (await findPlacedById(this.db, parent.parentId))
    }

    const id = c.extra && !taken.has(c.extra.id) && /^[a-z0-9]{1,64}$/.test(c.extra.id) ? c.extra.id : newId()
    const p: Placed = { id, depth: parent ? parent.depth + 1 : 0, rootId: parent ? parent.rootId : id, parentId: parent?.id ?? null, threadId }
    const row = await toCommentRow(this.deps.keys, c, { ...p, siteId: this.site.id, format: this.opts.format, now: this.now })
    this.rows.push({ row, ...this.identity(c), reports: c.extra?.reports ?? [] })
    this.remember(c.sourceId, p)
    if (parent && this.tombstoneReplies.has(parent.id)) this.tombstoneReplies.set(parent.id, this.tombstoneReplies.get(parent.id)! + 1)
    if (c.status === 'deleted') {
      this.tombstones.push(p)
      this.tombstoneReplies.set(p.id, 0)
    }
    this.result.summary.comments++
    this.result.summary.byStatus[c.status]++
    this.threadsWithNew.add(thread.uri!)
    if (this.rows.length >= INSERT_ROWS) await this.flushRows()

    const kids = this.waiting.get(c.sourceId)
    if (kids) {
      this.waiting.delete(c.sourceId)
      for (const k of kids) await this.place(k, pending, taken, false)
    }
  }

  private async flushRows(): Promise<void> {
    const rows = this.rows
    this.rows = []
    if (this.opts.dryRun || rows.length === 0) return
    await insertImportedComments(this.db, this.site.id, rows)
    await insertImportedReports(
      this.db,
      rows.flatMap(({ row, reports }) =>
        reports.map((r) => ({ comment_id: row.id, site_id: this.site.id, reason: r.reason, details: r.details, ip_key: r.ipKey, created_at: r.createdAt, resolved_at: r.resolvedAt })),
      ),
    )
  }

  async finish(): Promise<{ result: ImportResult; touched: Set<string> }> {
    await this.settle(true)
    await this.releaseWaiting()
    await this.flushRows()
    const r = this.result

    // Disqus: a deleted post stays only as the tombstone its imported replies hang from.
    if (this.opts.format === 'disqus') {
      const drop: string[] = []
      for (const t of [...this.tombstones].reverse()) {
        if (this.tombstoneReplies.get(t.id)! > 0) continue
        drop.push(t.id)
        const up = t.parentId ? this.tombstoneReplies.get(t.parentId) : undefined
        if (up !== undefined) this.tombstoneReplies.set(t.parentId!, up - 1)
      }
      r.summary.comments -= drop.length
      r.summary.byStatus.deleted -= drop.length
      this.deletedWithoutReplies = drop.length
      if (!this.opts.dryRun) await deleteCommentsByIds(this.db, drop)
    }

    r.summary.threads = this.threadsWithNew.size
    r.moved = this.movedThreads.size
    r.deletedWithoutReplies = this.deletedWithoutReplies
    r.settingsApplied = this.settingsApplied
    if (!this.opts.dryRun) {
      // Derived data: each touched thread's approved count and version (ETag, page caches).
      for (const id of this.touched) await refreshThread(this.db, id, this.now)
      await insertAuditEntry(this.db, {
        siteId: this.site.id,
        commentId: null,
        actor: this.opts.actor,
        action: 'import',
        from: null,
        to: null,
        reason: `Imported ${r.summary.comments} comments from ${LABEL[this.opts.format]}.`,
        details: {
          format: this.opts.format,
          source: r.source,
          threads: r.summary.threads,
          comments: r.summary.comments,
          byStatus: r.summary.byStatus,
          skipped: r.summary.skipped,
          moved: r.moved,
          deletedWithoutReplies: r.deletedWithoutReplies,
          settingsApplied: r.settingsApplied,
        },
        at: this.now,
      })
    }
    return { result: r, touched: this.touched }
  }
}

/** Thrown for a site that does not exist: the CLI says so; the API answers 404. */
export function assertFormat(format: string): ImportFormat {
  if (format === 'wordpress' || format === 'disqus' || format === 'parley') return format
  throw new AppError('validation_failed', 400, `Unknown import format "${format}": use wordpress, disqus or parley.`, {
    fields: [{ path: 'format', message: 'must be one of "wordpress", "disqus", "parley"' }],
  })
}
