import sanitizeHtml from 'sanitize-html'
import { sanitizeOptions } from '../comments/markdown.js'

/** The tags WordPress allows in comments (kses `$allowedtags`), plus the paragraphs and breaks its display adds. */
const WORDPRESS_TAGS = ['a', 'abbr', 'acronym', 'b', 'blockquote', 'cite', 'code', 'del', 'em', 'i', 'q', 's', 'strike', 'strong']

// Our own sanitiser's rules (schemes, rel="nofollow ugc noopener" on links) with WordPress's tag
// list; any other tag is dropped but its text kept (script and style lose their text too).
const importOptions: sanitizeHtml.IOptions = {
  ...sanitizeOptions,
  allowedTags: ['p', 'br', ...WORDPRESS_TAGS],
  allowedAttributes: { a: ['href', 'title', 'rel'], blockquote: ['cite'], q: ['cite'] },
  allowedSchemesAppliedToAttributes: ['href', 'cite'],
  disallowedTagsMode: 'discard',
}

// A Parley export's HTML was made by our own sanitisers; it passes again through their union.
const parleyOptions: sanitizeHtml.IOptions = {
  ...importOptions,
  allowedTags: [...new Set([...(sanitizeOptions.allowedTags as string[]), ...(importOptions.allowedTags as string[])])],
  allowedAttributes: { ...importOptions.allowedAttributes, ol: ['start'] },
}

const BLOCK = 'blockquote|p|pre|ul|ol|li|div|h[1-6]'
const startsWithBlock = new RegExp(`^<(?:${BLOCK})[\\s>]`, 'i')
// A newline right after an opening/closing block tag, or right before one, is layout, not a break.
const layoutNewline = new RegExp(`(?<=<\\/?(?:${BLOCK})(?:\\s[^>]*)?>)\\s*\\n|\\n(?=\\s*<\\/?(?:${BLOCK})[\\s>])`, 'gi')

/**
 * WordPress comment text → safe HTML, shown as WordPress shows it (wpautop): a blank line
 * starts a paragraph, a single newline is a line break.
 */
export function wordpressHtml(content: string): string {
  const text = content.replace(/\r\n?/g, '\n').trim()
  if (!text) return ''
  const paragraphs = text
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const inner = p.replace(layoutNewline, '\n').replace(/\n/g, '<br />\n')
      return startsWithBlock.test(p) ? inner : `<p>${inner}</p>`
    })
  return sanitizeHtml(paragraphs.join('\n'), importOptions).trim()
}

/** HTML from a Parley export: sanitised again, so a hand-edited file cannot smuggle markup in. */
export function parleyHtml(html: string): string {
  return sanitizeHtml(html, parleyOptions)
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™',
}

/** A title as WordPress exports it (HTML-escaped text, maybe a tag or two) → plain text. */
export function plainTitle(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m
      }
      return NAMED[e.toLowerCase()] ?? m
    })
    .replace(/\s+/g, ' ')
    .trim()
}
