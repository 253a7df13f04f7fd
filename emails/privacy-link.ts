import { fill, fillHtml, words } from './i18n.js'
import { button, esc, layout, link, oneLine, type RenderedEmail } from './layout.js'

export interface PrivacyLinkData {
  siteName: string
  /** The signed page with this reader's comments (purpose `privacy`, 24 hours). */
  manageUrl: string
  /** When the link stops working. */
  expiresAt: Date
  /** The language of the page the request came from (null: English). */
  lang?: string | null
}

/**
 * To a reader who asked what a site holds about their address: one link to see, download or
 * erase it. Sent only to addresses the site knows, at most once an hour.
 */
export function privacyLink(d: PrivacyLinkData): RenderedEmail {
  const w = words(d.lang)
  const until = `${d.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const site = esc(d.siteName)
  const text = [
    w.helloPlain,
    '',
    fill(w.pAsked, { site: d.siteName }),
    w.pOpen,
    '',
    d.manageUrl,
    '',
    fill(w.pWorks, { until }),
    w.pIgnore,
    '',
    '--',
    fill(w.pWhy, { site: d.siteName }),
  ].join('\n')
  const body = [
    `<p style="margin-top:0">${esc(w.helloPlain)}</p>`,
    `<p>${fillHtml(w.pAsked, { site: `<strong>${site}</strong>` })} ${esc(w.pOpen)}</p>`,
    `<p>${button(d.manageUrl, w.pButton)}</p>`,
    `<p style="font-size:13px;color:#6b7280">${fillHtml(w.pWorks, { until: esc(until) })} ${fillHtml(w.pOpenHere, { link: link(d.manageUrl, w.pOpenHereLabel) })}</p>`,
    `<p style="margin-bottom:0;font-size:13px;color:#6b7280">${esc(w.pIgnore)}</p>`,
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] ${w.pSubject}`, 150),
    text,
    html: layout(d.siteName, body, fillHtml(w.pWhy, { site })),
  }
}
