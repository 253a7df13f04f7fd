import { button, esc, layout, link, oneLine, type RenderedEmail } from './layout.js'

export interface PrivacyLinkData {
  siteName: string
  /** The signed page with this reader's comments (purpose `privacy`, 24 hours). */
  manageUrl: string
  /** When the link stops working. */
  expiresAt: Date
}

/**
 * To a reader who asked what a site holds about their address: one link to see, download or
 * erase it. Sent only to addresses the site knows, at most once an hour.
 */
export function privacyLink(d: PrivacyLinkData): RenderedEmail {
  const until = `${d.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const text = [
    'Hello,',
    '',
    `You (or someone who typed your address) asked which comments ${d.siteName} holds for this email address.`,
    'Open this link to see them, download them, stop all emails, or erase everything:',
    '',
    d.manageUrl,
    '',
    `The link works for 24 hours (until ${until}). Anyone who has it can see and erase your comments: do not forward this email.`,
    'If you did not ask for this, ignore this email: nothing changes.',
    '',
    '--',
    `You get this email because your address was entered on the privacy page of ${d.siteName}.`,
  ].join('\n')
  const body = [
    '<p style="margin-top:0">Hello,</p>',
    `<p>You (or someone who typed your address) asked which comments <strong>${esc(d.siteName)}</strong> holds for this email address. Open this link to see them, download them, stop all emails, or erase everything:</p>`,
    `<p>${button(d.manageUrl, 'See my comments and data')}</p>`,
    `<p style="font-size:13px;color:#6b7280">The link works for 24 hours (until ${esc(until)}). Anyone who has it can see and erase your comments: do not forward this email. ${link(d.manageUrl, 'Open it here')} if the button does not work.</p>`,
    '<p style="margin-bottom:0;font-size:13px;color:#6b7280">If you did not ask for this, ignore this email: nothing changes.</p>',
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] Your comments and data`, 150),
    text,
    html: layout(d.siteName, body, `You get this email because your address was entered on the privacy page of ${esc(d.siteName)}.`),
  }
}
