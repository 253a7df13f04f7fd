import { fill, fillHtml, hello, words } from './i18n.js'
import { button, commenterFooter, commentHtml, commentText, esc, layout, oneLine, type RenderedEmail } from './layout.js'

export interface CommentApprovedData {
  siteName: string
  recipientName: string
  threadTitle: string
  text: string
  commentUrl: string | null
  unsubscribeUrl: string
  /** The reader's privacy page for the site (footer link). */
  privacyUrl?: string
  /** The language of the page they commented on (null: English). */
  lang?: string | null
}

/** To a commenter whose held comment a moderator approved. */
export function commentApproved(d: CommentApprovedData): RenderedEmail {
  const w = words(d.lang)
  const title = d.threadTitle || w.anArticle
  const footer = commenterFooter(d.siteName, d.unsubscribeUrl, d.privacyUrl, d.lang)
  const text = [
    hello(w, d.recipientName),
    '',
    fill(w.approvedIntro, { title: w.quote(title) }),
    '',
    commentText(d.text),
    '',
    d.commentUrl ? `${w.seeIt}: ${d.commentUrl}` : null,
    '',
    '--',
    footer.text,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">${esc(hello(w, d.recipientName))}</p>`,
    `<p>${fillHtml(w.approvedIntro, { title: `<strong>${esc(title)}</strong>` })}</p>`,
    commentHtml(d.text),
    d.commentUrl ? `<p style="margin-bottom:0">${button(d.commentUrl, w.seeIt)}</p>` : '',
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] ${fill(w.approvedSubject, { title: w.quote(title) })}`, 150),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
