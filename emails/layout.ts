import { fill, fillHtml, words } from './i18n.js'
import { markdownToText, renderMarkdown } from '../src/comments/markdown.js'

/** What every template returns: one email's content, before addresses and headers. */
export interface RenderedEmail {
  subject: string
  text: string
  html: string
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML content and attribute values. Every user string goes through it. */
export function esc(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

/** One line, no control characters (subjects and other header-bound text). */
export function oneLine(value: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const s = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()
  return s.length > max ? s.slice(0, max - 1).trimEnd() + '…' : s
}

/** A comment's text for an email: trimmed to a readable length. */
export function excerpt(text: string, max = 2000): string {
  const s = text.trim()
  return s.length > max ? s.slice(0, max - 1).trimEnd() + '…' : s
}

/** Indents a block of user text as a quote in the plain-text part. */
export function quoteText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => `> ${l}`.trimEnd())
    .join('\n')
}

/** A comment in the plain-text part, quoted: the text readers see (Markdown stripped), trimmed. */
export function commentText(markdown: string, max = 2000): string {
  return quoteText(excerpt(markdownToText(markdown), max))
}

/** A comment in the HTML part, quoted: the same safe HTML the widget shows (of its first `max` characters). */
export function commentHtml(markdown: string, max = 2000): string {
  return `<blockquote style="margin:16px 0;padding:8px 14px;border-left:3px solid #d0d4da;color:#333">${renderMarkdown(excerpt(markdown, max))}</blockquote>`
}

export function button(href: string, label: string, color = '#1f5fbf'): string {
  return `<a href="${esc(href)}" style="display:inline-block;margin:4px 8px 4px 0;padding:8px 16px;border-radius:4px;background:${color};color:#fff;text-decoration:none;font-weight:600">${esc(label)}</a>`
}

export function link(href: string, label: string): string {
  return `<a href="${esc(href)}" style="color:#1f5fbf">${esc(label)}</a>`
}

/** The HTML frame every email shares: the site's name on top, a small footer. */
export function layout(siteName: string, bodyHtml: string, footerHtml: string): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${esc(siteName)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f5f7">',
    '<div style="max-width:600px;margin:0 auto;padding:24px 16px;font:15px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d1f23">',
    `<div style="font-weight:700;font-size:17px;margin-bottom:16px">${esc(siteName)}</div>`,
    '<div style="background:#fff;border-radius:6px;padding:20px 22px">',
    bodyHtml,
    '</div>',
    `<div style="margin-top:16px;font-size:12px;color:#6b7280">${footerHtml}</div>`,
    '</div></body></html>',
  ].join('\n')
}

/** The footer of every email to a commenter: why they get it, how to stop it, and their data. */
export function commenterFooter(siteName: string, unsubscribeUrl: string, privacyUrl?: string, lang?: string | null): { html: string; text: string } {
  const w = words(lang)
  const site = esc(siteName)
  return {
    html:
      `${fillHtml(w.footWhy, { site })} ${fillHtml(w.unsubHtml, { unsubscribe: link(unsubscribeUrl, w.unsubscribe), site })}` +
      (privacyUrl ? ` ${link(privacyUrl, w.privacy)}.` : ''),
    text:
      `${fill(w.footWhy, { site: siteName })}\n${fill(w.unsubText, { site: siteName })} ${unsubscribeUrl}` +
      (privacyUrl ? `\n${w.privacy}: ${privacyUrl}` : ''),
  }
}
