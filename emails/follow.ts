import { fill, fillHtml, words, type EmailWords } from './i18n.js'
import { button, commentHtml, commentText, esc, layout, link, oneLine, type RenderedEmail } from './layout.js'
import { markdownToText } from '../src/comments/markdown.js'

/** The footer of the emails about a followed article: why, how to stop this article's emails, and the reader's data. */
function followFooter(w: EmailWords, siteName: string, title: string, unsubscribeUrl: string, privacyUrl?: string): { html: string; text: string } {
  const site = esc(siteName)
  return {
    html:
      `${fillHtml(w.followFootWhy, { site, title: esc(w.quote(title)) })} ${fillHtml(w.followUnsubHtml, { unsubscribe: link(unsubscribeUrl, w.unsubscribe) })}` +
      (privacyUrl ? ` ${link(privacyUrl, w.privacy)}.` : ''),
    text:
      `${fill(w.followFootWhy, { site: siteName, title: w.quote(title) })}\n${w.followUnsubText} ${unsubscribeUrl}` +
      (privacyUrl ? `\n${w.privacy}: ${privacyUrl}` : ''),
  }
}

export interface FollowConfirmData {
  siteName: string
  threadTitle: string
  /** The article on the publisher's site (null when the site has no public origin). */
  threadUrl: string | null
  confirmUrl: string
  unsubscribeUrl: string
  /** At most one digest in this many minutes (the site's followDigestMinutes). */
  digestMinutes: number
  privacyUrl?: string
  /** The language of the page the reader asked on (null: English). */
  lang?: string | null
}

/** Double opt-in for following an article: nothing is sent about it before this is confirmed. */
export function followConfirm(d: FollowConfirmData): RenderedEmail {
  const w = words(d.lang)
  const title = d.threadTitle || w.anArticle
  const footer = followFooter(w, d.siteName, title, d.unsubscribeUrl, d.privacyUrl)
  const text = [
    w.helloPlain,
    '',
    fill(w.followConfirmAsked, { title: w.quote(title) }),
    d.threadUrl,
    w.confirmFirst,
    '',
    d.confirmUrl,
    '',
    fill(w.followEvery, { n: String(d.digestMinutes) }),
    w.followConfirmIgnore,
    w.confirmDays,
    '',
    '--',
    footer.text,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const titleHtml = d.threadUrl ? link(d.threadUrl, title) : esc(title)
  const body = [
    `<p style="margin-top:0">${esc(w.helloPlain)}</p>`,
    `<p>${fillHtml(w.followConfirmAsked, { title: `<strong>${titleHtml}</strong>` })} ${esc(w.confirmFirst)}</p>`,
    `<p>${button(d.confirmUrl, w.confirmButton)}</p>`,
    `<p style="margin-bottom:0;color:#6b7280;font-size:13px">${esc(fill(w.followEvery, { n: String(d.digestMinutes) }))} ${esc(w.followConfirmIgnore)} ${esc(w.confirmDays)}</p>`,
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] ${fill(w.followConfirmSubject, { title: w.quote(title) })}`, 150),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}

export interface DigestComment {
  authorName: string
  /** Markdown as written. */
  text: string
  /** The comment on the article page (null when the site has no public origin). */
  url: string | null
}

export interface FollowDigestData {
  siteName: string
  threadTitle: string
  threadUrl: string | null
  /** The new comments, oldest first: the first DIGEST_SHOWN quoted, the next DIGEST_LISTED a line each, the rest counted. */
  comments: DigestComment[]
  unsubscribeUrl: string
  privacyUrl?: string
  lang?: string | null
}

/** How many comments one digest quotes in full (600 characters); the next DIGEST_LISTED get a line each; any more are counted. */
export const DIGEST_SHOWN = 20
export const DIGEST_LISTED = 200
const EXCERPT = 600
const LINE = 120

/** The one email a follower gets per window, however many comments the window saw. */
export function followDigest(d: FollowDigestData): RenderedEmail {
  const w = words(d.lang)
  const title = d.threadTitle || w.anArticle
  const n = d.comments.length
  const shown = d.comments.slice(0, DIGEST_SHOWN)
  const listed = d.comments.slice(DIGEST_SHOWN, DIGEST_SHOWN + DIGEST_LISTED)
  const rest = n - shown.length - listed.length
  const footer = followFooter(w, d.siteName, title, d.unsubscribeUrl, d.privacyUrl)
  const intro = n === 1 ? w.digestIntroOne : w.digestIntroMany
  const more = rest === 0 ? null : rest === 1 ? w.digestMoreOne : fill(w.digestMoreMany, { n: String(rest) })
  const who = (c: DigestComment) => c.authorName || w.someone
  const line = (c: DigestComment) => `${who(c)}: ${oneLine(markdownToText(c.text), LINE)}`
  const text = [
    w.helloPlain,
    '',
    fill(intro, { n: String(n), title: w.quote(title) }),
    ...shown.flatMap((c) => ['', fill(w.digestWrote, { who: who(c) }), commentText(c.text, EXCERPT), ...(c.url ? [c.url] : [])]),
    ...(listed.length ? [''] : []),
    ...listed.map((c) => `- ${line(c)}${c.url ? ` ${c.url}` : ''}`),
    '',
    ...(more ? [more] : []),
    d.threadUrl ? `${w.digestRead}: ${d.threadUrl}` : null,
    '',
    '--',
    footer.text,
  ]
    .filter((l) => l !== null)
    .join('\n')
  const body = [
    `<p style="margin-top:0">${esc(w.helloPlain)}</p>`,
    `<p>${fillHtml(intro, { n: esc(String(n)), title: `<strong>${esc(title)}</strong>` })}</p>`,
    ...shown.map(
      (c) =>
        `<p style="margin:20px 0 0">${fillHtml(w.digestWrote, { who: `<strong>${esc(who(c))}</strong>` })}${c.url ? ` ${link(c.url, w.seeIt)}` : ''}</p>\n${commentHtml(c.text, EXCERPT)}`,
    ),
    listed.length
      ? `<ul style="margin:20px 0 0;padding-left:20px">${listed.map((c) => `<li style="margin:4px 0">${esc(line(c))}${c.url ? ` ${link(c.url, w.seeIt)}` : ''}</li>`).join('')}</ul>`
      : '',
    more ? `<p>${esc(more)}</p>` : '',
    d.threadUrl ? `<p style="margin-bottom:0">${button(d.threadUrl, w.digestRead)}</p>` : '',
  ].join('\n')
  const subject = n === 1 ? fill(w.digestSubjectOne, { title: w.quote(title) }) : fill(w.digestSubjectMany, { n: String(n), title: w.quote(title) })
  return {
    subject: oneLine(`[${d.siteName}] ${subject}`, 150),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
