import { button, commenterFooter, esc, layout, oneLine, commentHtml, commentText, type RenderedEmail } from './layout.js'

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
}

/** To a commenter who asked for it, when a reply to their comment is published. */
export function reply(d: ReplyData): RenderedEmail {
  const who = d.replyAuthorName || 'Someone'
  const title = d.threadTitle || 'an article'
  const footer = commenterFooter(d.siteName, d.unsubscribeUrl, d.privacyUrl)
  const text = [
    `Hello ${d.recipientName || 'there'},`,
    '',
    `${who} replied to your comment on "${title}":`,
    '',
    commentText(d.replyText),
    '',
    'Your comment:',
    commentText(d.parentText, 500),
    '',
    d.commentUrl ? `Read the reply and answer: ${d.commentUrl}` : null,
    '',
    '--',
    footer.text,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">Hello ${esc(d.recipientName || 'there')},</p>`,
    `<p><strong>${esc(who)}</strong> replied to your comment on <strong>${esc(title)}</strong>:</p>`,
    commentHtml(d.replyText),
    '<p style="margin-bottom:0;color:#6b7280;font-size:13px">Your comment:</p>',
    commentHtml(d.parentText, 500),
    d.commentUrl ? `<p style="margin-bottom:0">${button(d.commentUrl, 'Read the reply')}</p>` : '',
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] ${who} replied to your comment on "${title}"`, 150),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
