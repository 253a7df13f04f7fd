import type { SaxesTagNS } from 'saxes'
import type { CommentStatus } from '../../db/schema.js'
import { normaliseWebsite } from '../comments/comment.schemas.js'
import { plainTitle, wordpressHtml } from './content.js'
import { ImportFormatError, parseDate, streamXml, type Input, type SourceComment, type SourceEvent, type SourceThread } from './source.js'

const WP_NS = /^https?:\/\/wordpress\.org\/export\/1\.\d+\/?$/

const ITEM_FIELDS = new Set(['title', 'link', 'post_id', 'post_date', 'post_date_gmt', 'comment_status'])
const COMMENT_FIELDS = new Set([
  'comment_id',
  'comment_author',
  'comment_author_email',
  'comment_author_url',
  'comment_author_IP',
  'comment_date',
  'comment_date_gmt',
  'comment_content',
  'comment_approved',
  'comment_type',
  'comment_parent',
  'comment_agent',
])

const STATUS: Record<string, CommentStatus> = { '1': 'approved', '0': 'pending', spam: 'spam', trash: 'rejected', 'post-trashed': 'rejected' }

/**
 * WordPress's WXR 1.0–1.2 (Tools → Export): each <item> with comments is a thread, each
 * <wp:comment> a comment. An item's comments are held until </item> (parents are per item),
 * then handed on with the thread and a boundary.
 */
export function readWordPress(input: Input): AsyncGenerator<SourceEvent> {
  return streamXml<SourceEvent>(input, (emit) => {
    let siteUrl = ''
    let channelLink = ''
    let sourceSent = false
    let item: Record<string, string> | null = null
    let itemLine = 0
    let comment: Record<string, string> | null = null
    let commentLine = 0
    let comments: SourceComment[] = []
    let fallbackKey = 0

    const inItem = (depth: number) => item !== null && depth === 3
    const inComment = (depth: number) => comment !== null && depth === 4
    return {
      wantText: (tag, depth) =>
        (depth === 2 && (tag.local === 'base_site_url' || tag.local === 'link')) ||
        (inItem(depth) && ITEM_FIELDS.has(tag.local)) ||
        (inComment(depth) && COMMENT_FIELDS.has(tag.local)),
      open(tag: SaxesTagNS, depth, line, column) {
        if (depth === 0) {
          const isWxr = tag.local === 'rss' && Object.values(tag.ns ?? {}).some((uri) => WP_NS.test(uri))
          if (!isWxr) throw new ImportFormatError(`this is not a WordPress export (WXR): the root element is <${tag.name}>, not <rss> with the wp namespace`, line, column)
        }
        if (depth === 2 && tag.local === 'item') {
          if (!sourceSent) {
            emit({ type: 'source', source: `wordpress:${(siteUrl || channelLink).replace(/\/+$/, '')}` })
            sourceSent = true
          }
          item = {}
          itemLine = line
          comments = []
        } else if (depth === 3 && item && tag.local === 'comment') {
          comment = {}
          commentLine = line
        }
      },
      close(tag, depth, text) {
        if (depth === 2 && tag.local === 'base_site_url') siteUrl = text.trim()
        else if (depth === 2 && tag.local === 'link') channelLink = text.trim()
        else if (inComment(depth) && COMMENT_FIELDS.has(tag.local)) comment![tag.local] = text
        else if (depth === 3 && comment && tag.local === 'comment') {
          comments.push(toComment(comment, commentLine))
          comment = null
        } else if (inItem(depth) && ITEM_FIELDS.has(tag.local)) item![tag.local] = text
        else if (depth === 2 && item && tag.local === 'item') {
          if (comments.length) {
            const key = item.post_id?.trim() || item.link?.trim() || `item-${++fallbackKey}`
            const thread: SourceThread = {
              key,
              link: (item.link ?? '').trim(),
              title: plainTitle(item.title ?? '').slice(0, 500),
              closed: (item.comment_status ?? '').trim() === 'closed',
              createdAt: parseDate(item.post_date_gmt ?? '') ?? parseDate(item.post_date ?? ''),
              line: itemLine,
            }
            emit({ type: 'thread', thread })
            for (const c of comments) emit({ type: 'comment', comment: { ...c, threadKey: key } })
            emit({ type: 'boundary' })
          }
          item = null
          comments = []
        }
      },
    }
  })
}

function toComment(f: Record<string, string>, line: number): SourceComment {
  const get = (k: string) => (f[k] ?? '').trim()
  const type = get('comment_type')
  const text = (f.comment_content ?? '').replace(/\r\n?/g, '\n').trim()
  const createdAt = parseDate(get('comment_date_gmt')) ?? parseDate(get('comment_date'))
  const status = STATUS[get('comment_approved')]
  const parent = get('comment_parent')
  const email = get('comment_author_email')
  const url = get('comment_author_url')
  const website = url ? normaliseWebsite(url) : null
  const c: SourceComment = {
    sourceId: get('comment_id'),
    threadKey: '',
    parentSourceId: parent && parent !== '0' ? parent : null,
    line,
    status: status ?? 'pending',
    text,
    html: '',
    name: get('comment_author'),
    email: email || null,
    url: website && website.length <= 200 ? website : null,
    ip: get('comment_author_IP') || null,
    userAgent: get('comment_agent') || null,
    createdAt: createdAt ?? new Date(0),
  }
  if (type === 'pingback' || type === 'trackback') c.skip = { kind: type, reason: type }
  else if (type !== '' && type !== 'comment') c.skip = { kind: 'invalid', reason: `comment type "${type.slice(0, 40)}" is not imported` }
  else if (!c.sourceId) c.skip = { kind: 'invalid', reason: 'no comment id' }
  else if (!status) c.skip = { kind: 'invalid', reason: `unknown approval status "${get('comment_approved').slice(0, 40)}"` }
  else if (!createdAt) c.skip = { kind: 'invalid', reason: `the date "${(get('comment_date_gmt') || get('comment_date')).slice(0, 40)}" does not parse` }
  else if (!text) c.skip = { kind: 'invalid', reason: 'no content' }
  else {
    c.html = wordpressHtml(text)
    if (!c.html) c.skip = { kind: 'invalid', reason: 'no content left after removing markup' }
  }
  return c
}
