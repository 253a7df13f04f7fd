import { button, esc, excerpt, layout, link, oneLine, quoteHtml, quoteText, type RenderedEmail } from './layout.js'

export interface NewCommentAuthorData {
  siteName: string
  recipientName: string
  threadTitle: string
  /** Only the public name: authors are not moderators and never see a commenter's email. */
  commenterName: string
  text: string
  /** The comment on the article page, when the site has an origin. */
  commentUrl: string | null
  /** The comment and the thread in the moderator UI. */
  modCommentUrl: string
  modThreadUrl: string
}

/** To an article's registered authors when a comment on their article is published. */
export function newCommentForAuthor(d: NewCommentAuthorData): RenderedEmail {
  const title = d.threadTitle || 'your article'
  const who = d.commenterName || 'Someone'
  const text = [
    `Hello ${d.recipientName || 'there'},`,
    '',
    `${who} commented on your article "${title}":`,
    '',
    quoteText(excerpt(d.text)),
    '',
    d.commentUrl ? `On the page: ${d.commentUrl}` : null,
    `The comment in the moderation desk: ${d.modCommentUrl}`,
    `All comments on this article: ${d.modThreadUrl}`,
    '',
    '--',
    `You get this email because you are a registered author on ${d.siteName}. An administrator can turn these emails off for you.`,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">Hello ${esc(d.recipientName || 'there')},</p>`,
    `<p><strong>${esc(who)}</strong> commented on your article <strong>${esc(title)}</strong>:</p>`,
    quoteHtml(excerpt(d.text)),
    `<p>${d.commentUrl ? button(d.commentUrl, 'See it on the page') : ''}${button(d.modCommentUrl, 'Open in the moderation desk', '#4b5563')}</p>`,
    `<p style="margin-bottom:0">${link(d.modThreadUrl, 'All comments on this article')}</p>`,
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] New comment on "${title}"`, 150),
    text,
    html: layout(
      d.siteName,
      body,
      `You get this email because you are a registered author on ${esc(d.siteName)}. An administrator can turn these emails off for you.`,
    ),
  }
}
