import { fill, fillHtml, hello, words } from './i18n.js'
import { button, commenterFooter, esc, layout, oneLine, type RenderedEmail } from './layout.js'

export interface ConfirmAddressData {
  siteName: string
  recipientName: string
  threadTitle: string
  confirmUrl: string
  unsubscribeUrl: string
  /** The reader's privacy page for the site (footer link). */
  privacyUrl?: string
  /** The language of the page they commented on (null: English). */
  lang?: string | null
}

/** Double opt-in: nobody gets reply emails before they confirm their address here. */
export function confirmAddress(d: ConfirmAddressData): RenderedEmail {
  const w = words(d.lang)
  const title = d.threadTitle || w.anArticle
  const footer = commenterFooter(d.siteName, d.unsubscribeUrl, d.privacyUrl, d.lang)
  const text = [
    hello(w, d.recipientName),
    '',
    fill(w.confirmAsked, { title: w.quote(title) }),
    w.confirmFirst,
    '',
    d.confirmUrl,
    '',
    w.confirmIgnore,
    w.confirmDays,
    '',
    '--',
    footer.text,
  ].join('\n')
  const body = [
    `<p style="margin-top:0">${esc(hello(w, d.recipientName))}</p>`,
    `<p>${fillHtml(w.confirmAsked, { title: `<strong>${esc(title)}</strong>` })} ${esc(w.confirmFirst)}</p>`,
    `<p>${button(d.confirmUrl, w.confirmButton)}</p>`,
    `<p style="margin-bottom:0;color:#6b7280;font-size:13px">${esc(w.confirmIgnore)} ${esc(w.confirmDays)}</p>`,
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] ${w.confirmSubject}`),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
