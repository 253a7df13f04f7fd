import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

// Raw HTML is off in the parser (it is shown as text), and the sanitiser then allows only
// what Markdown itself produces: two locks, so a parser bug alone cannot let markup through.
// Imported HTML (src/imports/content.ts) passes the same sanitiser with the link rules below.
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false })
md.linkify.set({ fuzzyLink: true, fuzzyEmail: false })
md.disable(['image', 'heading', 'lheading', 'table', 'hr', 'reference'])

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
  return sanitizeHtml(md.render(source), sanitizeOptions).trim()
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
