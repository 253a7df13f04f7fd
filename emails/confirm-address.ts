import { button, commenterFooter, esc, layout, oneLine, type RenderedEmail } from './layout.js'

export interface ConfirmAddressData {
  siteName: string
  recipientName: string
  threadTitle: string
  confirmUrl: string
  unsubscribeUrl: string
  /** The reader's privacy page for the site (footer link). */
  privacyUrl?: string
}

/** Double opt-in: nobody gets reply emails before they confirm their address here. */
export function confirmAddress(d: ConfirmAddressData): RenderedEmail {
  const title = d.threadTitle || 'an article'
  const footer = commenterFooter(d.siteName, d.unsubscribeUrl, d.privacyUrl)
  const text = [
    `Hello ${d.recipientName || 'there'},`,
    '',
    `You asked to be told about replies to your comment on "${title}".`,
    'Please confirm your address first:',
    '',
    d.confirmUrl,
    '',
    'If you did not ask for this, ignore this email: you will not get reply emails.',
    'The link works for 7 days.',
    '',
    '--',
    footer.text,
  ].join('\n')
  const body = [
    `<p style="margin-top:0">Hello ${esc(d.recipientName || 'there')},</p>`,
    `<p>You asked to be told about replies to your comment on <strong>${esc(title)}</strong>. Please confirm your address first:</p>`,
    `<p>${button(d.confirmUrl, 'Confirm my address')}</p>`,
    '<p style="margin-bottom:0;color:#6b7280;font-size:13px">If you did not ask for this, ignore this email: you will not get reply emails. The link works for 7 days.</p>',
  ].join('\n')
  return {
    subject: oneLine(`[${d.siteName}] Please confirm your email address`),
    text,
    html: layout(d.siteName, body, footer.html),
  }
}
