import { button, commenterFooter, esc, layout, oneLine, commentHtml, commentText, type RenderedEmail } from './layout.js'

export interface CommentApprovedData {
  siteName: string
  recipientName: string
  threadTitle: string
  text: string
  commentUrl: string | null
  unsubscribeUrl: string
  /** The reader's privacy page for the site (footer link). */
  privacyUrl?: string
}

/** To a commenter whose held comment a moderator approved. */
export function commentApproved(d: CommentApprovedData): RenderedEmail {
  const title = d.threadTitle || 'an article'
  const footer = commenterFooter(d.siteName, d.unsubscribeUrl, d.privacyUrl)
  const text = [
    `Hello ${d.recipientName || 'there'},`,
    '',
    `Your comment on "${title}" has been approved and is now published:`,
    '',
    commentText(d.text),
    '',
    d.commentUrl ? `See it on the page: ${d.commentUrl}` : null,
    '',
    '--',
    footer.text,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">Hello ${esc(d.recipientName || 'there')},</p>`,
    `<p>Your comment on <strong>${esc(title)}</strong> has been approved and is now published:</p>`,
    commentHtml(d.text),
    d.commentUrl ? `<p style="margin-bottom:0">${button(d.commentUrl, 'See it on the page')}</p>` : '',
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] Your comment on "${title}" is published`, 150),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
