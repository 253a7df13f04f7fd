import type { ImportResult } from './import.service.js'

const LABEL = { wordpress: 'WordPress', disqus: 'Disqus', parley: 'Parley export' } as const
const n = (x: number) => x.toLocaleString('en-US')

/** The readable summary the CLI prints without --json (the desk shows the same facts). */
export function formatSummary(r: ImportResult, site: string): string[] {
  const s = r.summary
  const lines = [
    `${r.dryRun ? 'Dry run — nothing was written. ' : ''}${LABEL[r.format]} import into "${site}" (${r.source || 'unknown source'}), ${s.seconds} s`,
    `  threads:  ${n(s.threads)}${r.moved ? ` (the URL map moved ${n(r.moved)})` : ''}`,
    `  comments: ${n(s.comments)} — approved ${n(s.byStatus.approved)}, pending ${n(s.byStatus.pending)}, spam ${n(s.byStatus.spam)}, rejected ${n(s.byStatus.rejected)}, deleted ${n(s.byStatus.deleted)}`,
    `  skipped:  pingback ${n(s.skipped.pingback)}, trackback ${n(s.skipped.trackback)}, orphan ${n(s.skipped.orphan)}, already imported ${n(s.skipped.alreadyImported)}, invalid ${n(s.skipped.invalid)}`,
  ]
  if (r.deletedWithoutReplies) lines.push(`  deleted posts without replies, not imported: ${n(r.deletedWithoutReplies)}`)
  if (r.settingsApplied) lines.push(`  the export's site settings were applied (the site was empty)`)
  if (r.invalidRecords.length) {
    lines.push(`  invalid records${s.skipped.invalid > r.invalidRecords.length ? ` (first ${r.invalidRecords.length} of ${n(s.skipped.invalid)})` : ''}:`)
    for (const i of r.invalidRecords) lines.push(`    line ${i.line}${i.id ? `, id ${i.id}` : ''}: ${i.reason}`)
  }
  return lines
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`
const clock = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : '–:––')

/** A one-line progress bar for terminals: comments done, bytes read of the file, rate, ETA. */
export class ProgressBar {
  private comments = 0
  private last = 0
  private readonly started = Date.now()
  constructor(
    private readonly total: number,
    private readonly draw: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  update(bytes: number, comments?: number): void {
    if (comments !== undefined) this.comments = comments
    const t = this.now()
    if (t - this.last < 100 && bytes < this.total) return
    this.last = t
    this.draw(ProgressBar.line(bytes, this.total, this.comments, (t - this.started) / 1000))
  }

  done(): void {
    this.draw('')
  }

  static line(bytes: number, total: number, comments: number, seconds: number): string {
    const f = total > 0 ? Math.min(1, bytes / total) : 1
    const width = 24
    const full = Math.round(f * width)
    const rate = seconds > 0 ? bytes / seconds : 0
    const eta = rate > 0 ? (total - bytes) / rate : Infinity
    return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${n(comments)} comments  ${mb(bytes)} of ${mb(total)}  ${mb(rate)}/s  ETA ${clock(eta)}`
  }
}
