import type { SaxesTagNS } from 'saxes'
import { plainTitle, wordpressHtml } from './content.js'
import { ImportFormatError, parseDate, streamXml, type Input, type SourceComment, type SourceEvent } from './source.js'

const THREAD_FIELDS = new Set(['link', 'title', 'isClosed', 'createdAt', 'forum'])
const POST_FIELDS = new Set(['message', 'createdAt', 'isDeleted', 'isSpam', 'ipAddress'])
const AUTHOR_FIELDS = new Set(['email', 'name'])

/** The `dsq:id` attribute (namespace http://disqus.com/disqus-internals). */
function dsqId(tag: SaxesTagNS): string {
  for (const a of Object.values(tag.attributes)) if (a.local === 'id' && (a.prefix === 'dsq' || /disqus-internals/.test(a.uri))) return a.value.trim()
  return ''
}

/**
 * Disqus's XML export: every <thread dsq:id> first, then every <post> naming its thread and
 * parent by dsq:id. Posts come in any order, so the writer waits for a parent it has not seen.
 */
export function readDisqus(input: Input): AsyncGenerator<SourceEvent> {
  return streamXml<SourceEvent>(input, (emit) => {
    let sourceSent = false
    let el: { kind: 'thread' | 'post'; id: string; line: number; f: Record<string, string>; thread: string; parent: string } | null = null
    let inAuthor = false
    const sendSource = (forum: string) => {
      if (sourceSent) return
      emit({ type: 'source', source: `disqus:${forum}` })
      sourceSent = true
    }
    return {
      wantText: (tag, depth) =>
        el !== null &&
        ((depth === 2 && (el.kind === 'thread' ? THREAD_FIELDS : POST_FIELDS).has(tag.local)) || (depth === 3 && inAuthor && AUTHOR_FIELDS.has(tag.local))),
      open(tag, depth, line, column) {
        if (depth === 0 && tag.local !== 'disqus')
          throw new ImportFormatError(`this is not a Disqus export: the root element is <${tag.name}>, not <disqus>`, line, column)
        if (depth === 1 && (tag.local === 'thread' || tag.local === 'post')) {
          el = { kind: tag.local, id: dsqId(tag), line, f: {}, thread: '', parent: '' }
        } else if (depth === 2 && el) {
          if (tag.local === 'author') inAuthor = true
          else if (el.kind === 'post' && tag.local === 'thread') el.thread = dsqId(tag)
          else if (el.kind === 'post' && tag.local === 'parent') el.parent = dsqId(tag)
        }
      },
      close(tag, depth, text) {
        if (!el) return
        if (depth === 3 && inAuthor && AUTHOR_FIELDS.has(tag.local)) el.f[`author.${tag.local}`] = text
        else if (depth === 2 && tag.local === 'author') inAuthor = false
        else if (depth === 2) el.f[tag.local] = text
        else if (depth === 1) {
          const e = el
          el = null
          if (e.kind === 'thread') {
            sendSource((e.f.forum ?? '').trim())
            emit({
              type: 'thread',
              thread: {
                key: e.id,
                link: (e.f.link ?? '').trim(),
                title: plainTitle(e.f.title ?? '').slice(0, 500),
                closed: (e.f.isClosed ?? '').trim() === 'true',
                createdAt: parseDate(e.f.createdAt ?? ''),
                line: e.line,
              },
            })
          } else {
            sendSource('')
            emit({ type: 'comment', comment: toComment(e) })
          }
        }
      },
    }
  })
}

function toComment(e: { id: string; line: number; f: Record<string, string>; thread: string; parent: string }): SourceComment {
  const get = (k: string) => (e.f[k] ?? '').trim()
  const text = (e.f.message ?? '').replace(/\r\n?/g, '\n').trim()
  const createdAt = parseDate(get('createdAt'))
  const spam = get('isSpam') === 'true'
  const deleted = get('isDeleted') === 'true'
  const c: SourceComment = {
    sourceId: e.id,
    threadKey: e.thread,
    parentSourceId: e.parent || null,
    line: e.line,
    // Spam wins over deleted: moderators still see it in the spam queue.
    status: spam ? 'spam' : deleted ? 'deleted' : 'approved',
    text,
    html: '',
    name: get('author.name'),
    email: get('author.email') || null,
    url: null,
    ip: get('ipAddress') || null,
    userAgent: null,
    createdAt: createdAt ?? new Date(0),
  }
  if (!c.sourceId) c.skip = { kind: 'invalid', reason: 'no dsq:id' }
  else if (!createdAt) c.skip = { kind: 'invalid', reason: `the date "${get('createdAt').slice(0, 40)}" does not parse` }
  else if (!text && !deleted) c.skip = { kind: 'invalid', reason: 'no message' }
  else {
    c.html = wordpressHtml(text)
    if (!c.html && !deleted) c.skip = { kind: 'invalid', reason: 'no message left after removing markup' }
  }
  return c
}
