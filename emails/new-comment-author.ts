import { button, esc, layout, link, oneLine, commentHtml, commentText, type RenderedEmail } from './layout.js'

export interface NewCommentAuthorData {
  siteName: string
  recipientName: string
  threadTitle: string
  /** Only the public name: authors are not moderators and never see a commenter's email. */
  commenterName: string
  text: string
  /** The comment on the article page, when the site has an origin. */
  commentUrl: string | null
  /**
   * The comment and the thread in the moderator desk: only for an author who has a desk account
   * for the site (anyone else would stop at its sign-in page).
   */
  desk: { commentUrl: string; threadUrl: string } | null
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
    commentText(d.text),
    '',
    d.commentUrl ? `See it on the page: ${d.commentUrl}` : null,
    d.desk ? `The comment in the moderation desk: ${d.desk.commentUrl}` : null,
    d.desk ? `All comments on this article in the desk: ${d.desk.threadUrl}` : null,
    '',
    '--',
    `You get this email because you are a registered author on ${d.siteName}. An administrator can turn these emails off for you.`,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">Hello ${esc(d.recipientName || 'there')},</p>`,
    `<p><strong>${esc(who)}</strong> commented on your article <strong>${esc(title)}</strong>:</p>`,
    commentHtml(d.text),
    d.commentUrl || d.desk
      ? `<p>${d.commentUrl ? button(d.commentUrl, 'See it on the page') : ''}${d.desk ? button(d.desk.commentUrl, 'Open in the moderation desk', '#4b5563') : ''}</p>`
      : '',
    d.desk ? `<p style="margin-bottom:0">${link(d.desk.threadUrl, 'All comments on this article in the desk')}</p>` : '',
  ]
    .filter(Boolean)
    .join('\n')
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
