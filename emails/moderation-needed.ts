import { button, esc, layout, link, oneLine, commentHtml, commentText, type RenderedEmail } from './layout.js'

export interface ModerationNeededData {
  siteName: string
  threadTitle: string
  /** The article on the publisher's site, when the site has an origin. */
  threadUrl: string | null
  author: { name: string; email: string | null; url: string | null }
  text: string
  /** Why the comment is held: the messages of the rules that decided. */
  reasons: string[]
  /** How many comments of the site wait for a moderator, this one included. */
  pendingCount: number
  links: { approve: string; reject: string; spam: string; queue: string }
}

/** To the site's moderators when a comment is held. Reply-To is the commenter. */
export function moderationNeeded(d: ModerationNeededData): RenderedEmail {
  const title = d.threadTitle || 'an article'
  const subject = oneLine(`[${d.siteName}] Please moderate: "${title}"`, 150)
  const waiting = d.pendingCount === 1 ? '1 comment is waiting for approval.' : `${d.pendingCount} comments are waiting for approval.`
  const reasons = d.reasons.length ? d.reasons : ['Held for review.']
  const text = [
    `A new comment on "${title}" is waiting for your approval.`,
    d.threadUrl ? d.threadUrl : null,
    '',
    `Author: ${d.author.name || 'Anonymous'}`,
    `Email: ${d.author.email ?? '(none)'}`,
    `URL: ${d.author.url ?? '(none)'}`,
    '',
    'Comment:',
    commentText(d.text),
    '',
    'Why it is held:',
    ...reasons.map((r) => `- ${r}`),
    '',
    `Approve: ${d.links.approve}`,
    `Reject: ${d.links.reject}`,
    `Spam: ${d.links.spam}`,
    '',
    waiting,
    `The moderation queue: ${d.links.queue}`,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">A new comment on ${d.threadUrl ? link(d.threadUrl, title) : `<strong>${esc(title)}</strong>`} is waiting for your approval.</p>`,
    '<table style="border-collapse:collapse;font-size:14px">',
    `<tr><td style="padding:2px 12px 2px 0;color:#6b7280">Author</td><td>${esc(d.author.name || 'Anonymous')}</td></tr>`,
    `<tr><td style="padding:2px 12px 2px 0;color:#6b7280">Email</td><td>${esc(d.author.email ?? '(none)')}</td></tr>`,
    `<tr><td style="padding:2px 12px 2px 0;color:#6b7280">URL</td><td>${esc(d.author.url ?? '(none)')}</td></tr>`,
    '</table>',
    commentHtml(d.text),
    '<p style="margin-bottom:4px"><strong>Why it is held</strong></p>',
    `<ul style="margin-top:0">${reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`,
    `<p>${button(d.links.approve, 'Approve', '#1a7f37')}${button(d.links.reject, 'Reject', '#6b7280')}${button(d.links.spam, 'Spam', '#b42318')}</p>`,
    `<p style="margin-bottom:0">${esc(waiting)} ${link(d.links.queue, 'Open the moderation queue')}.</p>`,
  ].join('\n')
  return {
    subject,
    text,
    html: layout(d.siteName, body, `You get this email because you moderate comments on ${esc(d.siteName)}.`),
  }
}
