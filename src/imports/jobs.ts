import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { newId } from '../lib/ids.js'
import { ImportFormatError, runImport, type ImportResult } from './import.service.js'
import type { ImportFormat, Input } from './source.js'

/** The largest file the desk and the API take (the CLI has no limit: it streams from disk). */
export const IMPORT_MAX_BYTES = 256 * 1024 * 1024

/** Where uploaded files wait between the dry run and the import (Node: a temp directory). */
export interface UploadStore {
  /** Streams a raw request body to a new file; past `maxBytes` it stops and throws 413. */
  save(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<{ id: string; bytes: number }>
  /** Streams a multipart form: its one file to a new file, its text fields returned. */
  saveMultipart(
    body: ReadableStream<Uint8Array>,
    contentType: string,
    maxBytes: number,
  ): Promise<{ file: { id: string; bytes: number; name: string } | null; fields: Record<string, string> }>
  /** The file as text, streamed; `onBytes` sees the bytes read so far. */
  open(id: string, onBytes?: (bytes: number) => void): Input
  remove(id: string): Promise<void>
}

export type ImportJobState = 'checking' | 'checked' | 'importing' | 'done' | 'failed'

/** What the API answers about an upload (docs/api.md "ImportJob"). */
export interface ImportJob {
  id: string
  site: string
  format: ImportFormat
  fileName: string
  bytes: number
  state: ImportJobState
  progress: { bytesRead: number; comments: number }
  /** The dry run's result (state checked and after). */
  check: ImportResult | null
  /** The import's result (state done). */
  result: ImportResult | null
  error: string | null
  createdAt: string
  createdBy: { id: string; email: string }
}

const KEEP_MS = 24 * 3600_000

/**
 * Uploads being checked or imported by this server process, for the desk's progress page.
 * The outcome also lands in the audit log (action `import`), which every server sees.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob & { uploadId: string; running?: Promise<void> }>()

  list(deps: Deps, site: string): ImportJob[] {
    this.prune(deps)
    return [...this.jobs.values()].filter((j) => j.site === site).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map(publicJob)
  }

  get(site: string, id: string): ImportJob {
    const j = this.jobs.get(id)
    if (!j || j.site !== site) throw new AppError('not_found', 404, 'No such import on this server.')
    return publicJob(j)
  }

  /** Registers an uploaded file and starts its dry run. */
  start(deps: Deps, j: { site: string; format: ImportFormat; fileName: string; bytes: number; uploadId: string; actor: { id: string; email: string } }): ImportJob {
    this.prune(deps)
    const busy = [...this.jobs.values()].find((x) => x.site === j.site && (x.state === 'checking' || x.state === 'importing'))
    if (busy) throw new AppError('duplicate', 409, 'Another import for this site is still running; wait for it to finish.')
    const job = {
      id: newId(),
      site: j.site,
      format: j.format,
      fileName: j.fileName.slice(0, 200),
      bytes: j.bytes,
      state: 'checking' as ImportJobState,
      progress: { bytesRead: 0, comments: 0 },
      check: null,
      result: null,
      error: null,
      createdAt: deps.clock.now().toISOString(),
      createdBy: j.actor,
      uploadId: j.uploadId,
    }
    this.jobs.set(job.id, job)
    this.run(deps, job, true)
    return publicJob(job)
  }

  /** The admin saw the dry run and confirms: the real import, from the same file. */
  confirm(deps: Deps, site: string, id: string): ImportJob {
    const job = this.jobs.get(id)
    if (!job || job.site !== site) throw new AppError('not_found', 404, 'No such import on this server.')
    if (job.state !== 'checked') throw new AppError('invalid_transition', 409, `This import is ${job.state}; only a checked file can be imported.`)
    const busy = [...this.jobs.values()].find((x) => x.site === site && x.id !== id && (x.state === 'checking' || x.state === 'importing'))
    if (busy) throw new AppError('duplicate', 409, 'Another import for this site is still running; wait for it to finish.')
    job.state = 'importing'
    job.progress = { bytesRead: 0, comments: 0 }
    this.run(deps, job, false)
    return publicJob(job)
  }

  async discard(deps: Deps, site: string, id: string): Promise<void> {
    const job = this.jobs.get(id)
    if (!job || job.site !== site) throw new AppError('not_found', 404, 'No such import on this server.')
    if (job.state === 'checking' || job.state === 'importing') throw new AppError('invalid_transition', 409, 'The file is being read; wait for it to finish.')
    this.jobs.delete(id)
    await deps.uploads?.remove(job.uploadId)
  }

  /** Resolves when the job's current run has ended (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.jobs.get(id)?.running
  }

  private run(deps: Deps, job: ImportJob & { uploadId: string; running?: Promise<void> }, dryRun: boolean): void {
    const uploads = deps.uploads!
    job.running = (async () => {
      try {
        const result = await runImport(deps, {
          site: job.site,
          format: job.format,
          input: uploads.open(job.uploadId, (b) => (job.progress.bytesRead = b)),
          dryRun,
          urlMap: null,
          actor: job.createdBy,
          onProgress: (p) => (job.progress.comments = p.comments),
        })
        job.progress.bytesRead = job.bytes
        if (dryRun) {
          job.check = result
          job.state = 'checked'
        } else {
          job.result = result
          job.state = 'done'
          await uploads.remove(job.uploadId)
        }
      } catch (err) {
        job.state = 'failed'
        job.error =
          err instanceof ImportFormatError
            ? `${job.fileName}: ${err.message}. Nothing was imported.`
            : err instanceof AppError
              ? err.message
              : 'The import failed on our side; nothing was imported.'
        if (!(err instanceof ImportFormatError) && !(err instanceof AppError))
          deps.log.error('import failed', { site: job.site, format: job.format, error: String((err as Error)?.stack ?? err).slice(0, 2000) })
        await uploads.remove(job.uploadId).catch(() => {})
      }
    })()
  }

  private prune(deps: Deps): void {
    const now = deps.clock.now().getTime()
    for (const [id, j] of this.jobs) {
      if (j.state !== 'checking' && j.state !== 'importing' && now - Date.parse(j.createdAt) > KEEP_MS) {
        this.jobs.delete(id)
        void deps.uploads?.remove(j.uploadId).catch(() => {})
      }
    }
  }
}

function publicJob(j: ImportJob & { uploadId?: string; running?: Promise<void> }): ImportJob {
  const { uploadId: _u, running: _r, ...rest } = j
  return { ...rest, progress: { ...rest.progress } }
}
