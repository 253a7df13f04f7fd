import { z } from 'zod'
import { parleyHtml } from './content.js'
import { ImportFormatError, type Input, type SourceComment, type SourceEvent } from './source.js'

/** Parley's own export: NDJSON, one object a line (see docs/api.md "Import and export"). */
export const EXPORT_FORMAT = 'parley-export'
export const EXPORT_VERSION = 1

const date = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time').transform((s) => new Date(s))
const header = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  site: z.object({ id: z.string(), name: z.string(), settings: z.record(z.string(), z.unknown()) }),
})
const thread = z.object({
  type: z.literal('thread'),
  id: z.string().min(1),
  uri: z.string().min(1),
  title: z.string(),
  closed: z.boolean(),
  authors: z.array(z.string()).default([]),
  createdAt: date,
})
const comment = z.object({
  type: z.literal('comment'),
  id: z.string().min(1),
  thread: z.string().min(1),
  parentId: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected', 'spam', 'deleted']),
  body: z.string(),
  html: z.string(),
  author: z.object({ name: z.string(), email: z.string().nullable(), url: z.string().nullable() }),
  avatarKey: z.string().regex(/^[0-9a-f]{16,64}$/),
  ipKey: z.string().nullable(),
  userAgent: z.string().nullable(),
  notifyReplies: z.boolean().default(false),
  reasons: z.array(z.object({ phase: z.string(), message: z.string() })).default([]),
  createdAt: date,
  editedAt: date.nullable(),
  updatedAt: date,
  source: z.object({ source: z.string(), id: z.string() }).nullable().default(null),
  reports: z
    .array(z.object({ reason: z.string(), details: z.string().nullable(), ipKey: z.string().nullable(), createdAt: date, resolvedAt: date.nullable() }))
    .default([]),
})
const author = z.object({ type: z.literal('author'), handle: z.string().min(1), name: z.string(), email: z.string(), notify: z.boolean(), createdAt: date })
const ban = z.object({
  type: z.literal('ban'),
  id: z.string().min(1),
  email: z.string().nullable(),
  ipKey: z.string().nullable(),
  reason: z.string(),
  expiresAt: date.nullable(),
  createdAt: date,
})
const end = z.object({ type: z.literal('end'), threads: z.number(), comments: z.number() })
const record = z.discriminatedUnion('type', [thread, comment, author, ban, end])

async function* lines(input: Input): AsyncGenerator<{ text: string; n: number }> {
  let rest = ''
  let n = 0
  let read = 0
  for await (const chunk of input.chunks) {
    read += chunk.length
    rest += chunk
    let i: number
    while ((i = rest.indexOf('\n')) !== -1) {
      yield { text: rest.slice(0, i).replace(/\r$/, ''), n: ++n }
      rest = rest.slice(i + 1)
    }
    input.onRead?.(read)
  }
  if (rest) yield { text: rest, n: ++n }
}

function parseJson(text: string, n: number): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const m = /position (\d+)/.exec(String((err as Error).message))
    const col = m ? Number(m[1]) + 1 : 1
    throw new ImportFormatError(`not valid JSON (${String((err as Error).message).replace(/ in JSON at position \d+.*$/s, '')})`, n, col)
  }
}

export async function* readParley(input: Input): AsyncGenerator<SourceEvent> {
  let sawHeader = false
  let sawEnd = false
  let last = 0
  for await (const { text, n } of lines(input)) {
    last = n
    if (text.trim() === '') continue
    if (sawEnd) throw new ImportFormatError('there is more after the end line', n, 1)
    const value = parseJson(text, n)
    if (!sawHeader) {
      const h = header.safeParse(value)
      if (!h.success) throw new ImportFormatError(`this is not a Parley export: the first line must be {"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},"site":{…}}`, n, 1)
      sawHeader = true
      yield { type: 'source', source: `parley:${h.data.site.id}`, site: h.data.site }
      continue
    }
    const r = record.safeParse(value)
    if (!r.success) {
      // A record this version does not know is a format error; a bad comment is skipped as invalid.
      const v = value as { type?: unknown; id?: unknown } | null
      if (v && typeof v === 'object' && v.type === 'comment' && typeof v.id === 'string') {
        yield { type: 'comment', comment: invalidComment(v.id, n, r.error.issues[0]) }
        continue
      }
      const issue = r.error.issues[0]
      throw new ImportFormatError(`not a Parley export record (${issue ? `${issue.path.join('.') || 'type'} ${issue.message}` : 'unknown'})`, n, 1)
    }
    const d = r.data
    if (d.type === 'end') {
      sawEnd = true
    } else if (d.type === 'thread') {
      yield { type: 'thread', thread: { key: d.id, link: d.uri, title: d.title, closed: d.closed, createdAt: d.createdAt, line: n, authors: d.authors } }
    } else if (d.type === 'comment') {
      const c: SourceComment = {
        sourceId: d.id,
        threadKey: d.thread,
        parentSourceId: d.parentId,
        line: n,
        status: d.status,
        text: d.body,
        html: d.status === 'deleted' && d.html === '' ? '' : parleyHtml(d.html),
        name: d.author.name,
        email: d.author.email?.trim() || null,
        url: d.author.url,
        ip: null,
        userAgent: d.userAgent,
        createdAt: d.createdAt,
        extra: {
          id: d.id,
          origin: d.source ? { source: d.source.source, sourceId: d.source.id } : null,
          avatarKey: d.avatarKey,
          ipKey: d.ipKey,
          reasons: d.reasons,
          editedAt: d.editedAt,
          updatedAt: d.updatedAt,
          notifyReplies: d.notifyReplies,
          reports: d.reports,
        },
      }
      yield { type: 'comment', comment: c }
    } else if (d.type === 'author') {
      yield { type: 'author', author: { handle: d.handle, name: d.name, email: d.email, notify: d.notify, createdAt: d.createdAt } }
    } else {
      yield { type: 'ban', ban: { id: d.id, email: d.email, ipKey: d.ipKey, reason: d.reason, expiresAt: d.expiresAt, createdAt: d.createdAt } }
    }
  }
  if (!sawHeader) throw new ImportFormatError('the file is empty', Math.max(1, last), 1)
  // Every export ends with {"type":"end",…}: without it the file was cut short.
  if (!sawEnd) throw new ImportFormatError('the file ends early (no {"type":"end"} line): it was cut short', last, 1)
}

function invalidComment(id: string, n: number, issue: z.core.$ZodIssue | undefined): SourceComment {
  return {
    sourceId: id,
    threadKey: '',
    parentSourceId: null,
    line: n,
    skip: { kind: 'invalid', reason: issue ? `${issue.path.join('.')} ${issue.message}` : 'not a comment record' },
    status: 'pending',
    text: '',
    html: '',
    name: '',
    email: null,
    url: null,
    ip: null,
    userAgent: null,
    createdAt: new Date(0),
  }
}
