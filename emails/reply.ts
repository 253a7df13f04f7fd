import { fill, fillHtml, hello, words } from './i18n.js'
import { button, commenterFooter, commentHtml, commentText, esc, layout, oneLine, type RenderedEmail } from './layout.js'

export interface ReplyData {
  siteName: string
  threadTitle: string
  recipientName: string
  replyAuthorName: string
  /** The recipient's own comment, as a reminder. */
  parentText: string
  replyText: string
  /** The reply on the article page (null when the site has no public origin). */
  commentUrl: string | null
  unsubscribeUrl: string
  /** The reader's privacy page for the site (footer link). */
  privacyUrl?: string
  /** The language of the page the recipient commented on (null: English). */
  lang?: string | null
}

/** To a commenter who asked for it, when a reply to their comment is published. */
export function reply(d: ReplyData): RenderedEmail {
  const w = words(d.lang)
  const who = d.replyAuthorName || w.someone
  const title = d.threadTitle || w.anArticle
  const footer = commenterFooter(d.siteName, d.unsubscribeUrl, d.privacyUrl, d.lang)
  const text = [
    hello(w, d.recipientName),
    '',
    fill(w.replyIntro, { who, title: w.quote(title) }),
    '',
    commentText(d.replyText),
    '',
    w.yourComment,
    commentText(d.parentText, 500),
    '',
    d.commentUrl ? `${w.readAndAnswer} ${d.commentUrl}` : null,
    '',
    '--',
    footer.text,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">${esc(hello(w, d.recipientName))}</p>`,
    `<p>${fillHtml(w.replyIntro, { who: `<strong>${esc(who)}</strong>`, title: `<strong>${esc(title)}</strong>` })}</p>`,
    commentHtml(d.replyText),
    `<p style="margin-bottom:0;color:#6b7280;font-size:13px">${esc(w.yourComment)}</p>`,
    commentHtml(d.parentText, 500),
    d.commentUrl ? `<p style="margin-bottom:0">${button(d.commentUrl, w.readReply)}</p>` : '',
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] ${fill(w.replySubject, { who, title: w.quote(title) })}`, 150),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
