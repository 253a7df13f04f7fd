import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

// Raw HTML is off in the parser (it is shown as text), and the sanitiser then allows only
// what Markdown itself produces: two locks, so a parser bug alone cannot let markup through.
// Imported HTML (src/imports/content.ts) passes the same sanitiser with the link rules below.
// maxNesting: a comment needs a few levels of quotes and lists, not markdown-it's default 100.
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false, maxNesting: 20 })
md.linkify.set({ fuzzyLink: true, fuzzyEmail: false })
md.disable(['heading', 'lheading', 'table', 'hr', 'reference'])
// Comments show no images (tracking pixels, hotlinking, layout): `![alt](url)` becomes a link
// named by its alt text (by the URL when there is none), never "!alt".
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!
  const src = String(t.attrGet('src') ?? '')
  const alt = self.renderInlineAsText(t.children ?? [], options, env).trim()
  return `<a href="${md.utils.escapeHtml(src)}">${md.utils.escapeHtml(alt || src)}</a>`
}

export const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'a', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 's', 'del'],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow ugc noopener' } }),
  },
}

/** Comment Markdown → safe HTML. */
export function renderMarkdown(source: string): string {
  return renderComment(source).html
}

export interface Rendered {
  html: string
  /** Links in the body, for the pipeline's `maxLinks` rule. */
  linkCount: number
}

/**
 * Rendering budget. markdown-it and sanitize-html are linear-ish but costly per token: a 64 KB body
 * of bare domains, list items or emphasis marks took 0.2–1.2 s. Past any of these counts the body
 * is shown as plain text (escaped, paragraphs and line breaks kept), which costs a few ms. Real
 * comments sit far below them.
 */
export const RENDER_LIMITS = { lines: 1000, links: 100, markup: 4000 }

// Over-approximations, each one linear pass: candidate links (scheme, www., or a dotted name that
// linkify's fuzzy matching could take) and characters that start Markdown or HTML syntax.
const LINK_CANDIDATE = /\bhttps?:\/\/|\bwww\.|\b[a-z0-9-]+\.[a-z]{2,}\b/gi
const MARKUP = /[*_`[\]<>~&!|#\\]/g

function countMatches(re: RegExp, s: string): number {
  re.lastIndex = 0
  let n = 0
  while (re.exec(s) !== null) n++
  return n
}

function overBudget(source: string, links: number): boolean {
  let lines = 1
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lines++
  return links > RENDER_LIMITS.links || lines > RENDER_LIMITS.lines || countMatches(MARKUP, source) > RENDER_LIMITS.markup
}

/** Comment Markdown → safe HTML and its link count, within the rendering budget. */
export function renderComment(source: string): Rendered {
  const links = countMatches(LINK_CANDIDATE, source)
  if (overBudget(source, links)) return { html: plainText(source), linkCount: links }
  const html = sanitizeHtml(md.render(source), sanitizeOptions).trim()
  return { html, linkCount: countLinks(html) }
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** Text as HTML: escaped, blank lines make paragraphs, single newlines line breaks. No links. */
export function plainText(source: string): string {
  return source
    .trim()
    .split(/\n[ \t]*(?:\n[ \t]*)+/)
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>\n')}</p>`)
    .join('\n')
}

/** Links in rendered HTML, counted after auto-linking (WordPress counts `<a ` the same way). */
export function countLinks(html: string): number {
  return (html.match(/<a\s/gi) ?? []).length
}

export function stripHtml(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
}

/** A short plain-text excerpt for moderators and emails. */
export function excerpt(source: string, max = 140): string {
  const flat = source.replace(/\s+/g, ' ').trim()
  return flat.length > max ? flat.slice(0, max - 1).trimEnd() + '…' : flat
}

type Token = ReturnType<typeof md.parse>[number]

/** A link target readers can follow (the sanitiser keeps only these schemes). */
const SHOWN_HREF = /^(https?:|mailto:)/i

function inlineText(children: Token[] | null): string {
  let out = ''
  let href: string | null = null
  let from = 0
  for (const t of children ?? []) {
    if (t.type === 'text' || t.type === 'code_inline') out += t.content
    else if (t.type === 'softbreak' || t.type === 'hardbreak') out += '\n'
    else if (t.type === 'link_open') {
      const h = String(t.attrGet('href') ?? '')
      // A bare URL linked automatically already shows its address.
      href = t.markup === 'linkify' || !SHOWN_HREF.test(h) ? null : h
      from = out.length
    } else if (t.type === 'link_close') {
      const label = out.slice(from)
      if (href && label !== href && label !== href.replace(/^mailto:/i, '')) out += ` (${href})`
      href = null
    } else if (t.type === 'image') {
      // Rendered as a link named by its alt text (see the image rule above).
      const src = String(t.attrGet('src') ?? '')
      const alt = inlineText(t.children).trim()
      out += SHOWN_HREF.test(src) ? (alt ? `${alt} (${src})` : src) : alt
    }
  }
  return out
}

/**
 * Comment Markdown → the plain text readers see (for plain-text emails and the desk's short
 * excerpts): emphasis marks dropped, link targets in brackets after their text, quotes as `> `,
 * list items as `- ` / `1. `, paragraphs separated by a blank line. A body over the rendering
 * budget is shown to readers as its plain source, so it stays as it is.
 */
export function markdownToText(source: string): string {
  if (overBudget(source, countMatches(LINK_CANDIDATE, source))) return source.trim()
  const lines: string[] = []
  let quote = 0
  const lists: { ordered: boolean; n: number }[] = []
  let marker = ''
  const emit = (text: string) => {
    const indent = '   '.repeat(Math.max(0, lists.length - 1))
    text.split('\n').forEach((l, i) => {
      lines.push(('> '.repeat(quote) + indent + (i === 0 ? marker : ' '.repeat(marker.length)) + l).trimEnd())
    })
    marker = ''
  }
  const gap = () => {
    if (lines.length && lines[lines.length - 1] !== '') lines.push('')
  }
  for (const t of md.parse(source, {})) {
    switch (t.type) {
      case 'blockquote_open':
        quote++
        break
      case 'blockquote_close':
        quote--
        gap()
        break
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) })
        break
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop()
        if (!lists.length) gap()
        break
      case 'list_item_open': {
        const l = lists[lists.length - 1]!
        marker = l.ordered ? `${l.n++}. ` : '- '
        break
      }
      case 'paragraph_close':
        // A tight list's paragraphs are hidden: its items follow each other line by line.
        if (!t.hidden) gap()
        break
      case 'inline':
        emit(inlineText(t.children))
        break
      case 'code_block':
      case 'fence':
        emit(t.content.replace(/\n$/, ''))
        gap()
        break
    }
  }
  return lines.join('\n').trim()
}
