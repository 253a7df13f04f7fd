import { SaxesParser, type SaxesTagNS } from 'saxes'
import type { CommentStatus, Reason } from '../../db/schema.js'

/**
 * What every format's reader produces, in file order: threads, then (somewhere after their
 * thread) comments. Readers are streaming: they see the file in chunks and never hold it whole.
 */
export type ImportFormat = 'wordpress' | 'disqus' | 'parley'

export interface SourceThread {
  /** The thread's id inside the file (WordPress post id, Disqus dsq:id, Parley thread id). */
  key: string
  /** The page's address as the source names it (a full URL or a path). */
  link: string
  title: string
  closed: boolean
  createdAt: Date | null
  line: number
  /** Parley exports: registered article authors of the thread. */
  authors?: string[]
}

export type SkipKind = 'pingback' | 'trackback' | 'invalid'

export interface SourceComment {
  /** The comment's id inside the file; (source, sourceId) is remembered for idempotence. */
  sourceId: string
  threadKey: string
  parentSourceId: string | null
  line: number
  /** Set when the record is not imported: a pingback, a trackback, or a bad record (with why). */
  skip?: { kind: SkipKind; reason: string }
  status: CommentStatus
  /** The editable source text moderators see. */
  text: string
  /** Safe HTML (already sanitised by the reader's rules). */
  html: string
  name: string
  email: string | null
  url: string | null
  ip: string | null
  userAgent: string | null
  createdAt: Date
  /** Parley exports carry everything else verbatim. */
  extra?: ParleyCommentExtra
}

export interface ParleyCommentExtra {
  id: string
  /** Where the comment first came from, when it was itself imported (kept across moves). */
  origin: { source: string; sourceId: string } | null
  avatarKey: string
  ipKey: string | null
  reasons: Reason[]
  editedAt: Date | null
  updatedAt: Date
  notifyReplies: boolean
  reports: { reason: string; details: string | null; ipKey: string | null; createdAt: Date; resolvedAt: Date | null }[]
}

export interface SourceAuthor {
  handle: string
  name: string
  email: string
  notify: boolean
  createdAt: Date
}

export interface SourceBan {
  id: string
  email: string | null
  ipKey: string | null
  reason: string
  expiresAt: Date | null
  createdAt: Date
}

export type SourceEvent =
  /** The source's identity, before any comment: e.g. `wordpress:https://news.example`. */
  | { type: 'source'; source: string; site?: { id: string; name: string; settings: Record<string, unknown> } }
  | { type: 'thread'; thread: SourceThread }
  | { type: 'comment'; comment: SourceComment }
  /** Everything read so far can be settled: no later comment names an earlier one's parent. */
  | { type: 'boundary' }
  | { type: 'author'; author: SourceAuthor }
  | { type: 'ban'; ban: SourceBan }

/** The file is not what it claims (not well-formed, not this format): nothing is written. */
export class ImportFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`)
  }
}

/** Reads `chunks` as a stream of decoded text; counts the bytes it has seen. */
export interface Input {
  chunks: AsyncIterable<string>
  /** Called with the number of UTF-16 code units read so far (for progress). */
  onRead?: (chars: number) => void
}

export interface XmlHandlers {
  open(tag: SaxesTagNS, depth: number, line: number, column: number): void
  close(tag: SaxesTagNS, depth: number, text: string): void
}

/**
 * Streams text through saxes (namespaces on, positions on): element open/close events with the
 * text (text + CDATA, entities decoded) collected only for elements `wantText` asks for.
 * After each chunk the events it produced are handed to `drain`, so the caller can write them
 * before the next chunk is read. Any well-formedness error stops with its line and column.
 */
export async function* streamXml<T>(
  input: Input,
  setup: (emit: (e: T) => void) => XmlHandlers & { wantText(tag: SaxesTagNS, depth: number): boolean },
): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: true, position: true })
  let pending: T[] = []
  const h = setup((e) => pending.push(e))
  const stack: { tag: SaxesTagNS; text: string[] | null }[] = []
  let sawRoot = false
  parser.on('error', (err) => {
    const m = /^(\d+):(\d+): (.*)$/s.exec(err.message)
    throw m ? new ImportFormatError(m[3]!, Number(m[1]), Number(m[2])) : new ImportFormatError(err.message, parser.line, parser.column)
  })
  parser.on('opentag', (tag) => {
    sawRoot = true
    const depth = stack.length
    stack.push({ tag, text: h.wantText(tag, depth) ? [] : null })
    h.open(tag, depth, parser.line, parser.column)
  })
  const text = (t: string) => {
    const top = stack[stack.length - 1]
    if (top?.text) top.text.push(t)
  }
  parser.on('text', text)
  parser.on('cdata', text)
  parser.on('closetag', () => {
    const top = stack.pop()!
    h.close(top.tag, stack.length, top.text ? top.text.join('') : '')
  })
  let read = 0
  for await (const chunk of input.chunks) {
    parser.write(chunk)
    read += chunk.length
    input.onRead?.(read)
    if (pending.length) {
      const out = pending
      pending = []
      yield* out
    }
  }
  parser.close()
  if (!sawRoot) throw new ImportFormatError('the file is empty', parser.line, parser.column)
  yield* pending
}

/** `2014-05-06 07:08:09` (WordPress, UTC or local) or ISO-8601 (Disqus) → a Date, or null. */
export function parseDate(v: string, assumeUtc = true): Date | null {
  const s = v.trim()
  if (!s || s.startsWith('0000-00-00')) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s)
  if (!m) return null
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${m[8] ?? (assumeUtc ? 'Z' : '')}`
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  // Reject roll-overs like 2014-02-31.
  if (!m[8] && d.getUTCDate() !== Number(m[3])) return null
  return d
}

/**
 * A copy of `s` that does not pin the chunk it was cut from. V8 keeps substrings of 13+
 * characters as slices of their parent: a thread title kept for the whole run would otherwise
 * keep its 256 KB read chunk alive, and the file would pile up in memory.
 */
export function flat(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}
