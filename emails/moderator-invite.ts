import { button, esc, layout, link, oneLine, type RenderedEmail } from './layout.js'

export interface ModeratorInviteData {
  /** The site the invite is for, or null for every site. */
  siteName: string | null
  role: 'admin' | 'moderator'
  invitedBy: string
  setPasswordUrl: string
  /** When the link stops working. */
  expiresAt: Date
}

/** To a newly invited moderator or admin: one link to choose a password. */
export function moderatorInvite(d: ModeratorInviteData): RenderedEmail {
  const where = d.siteName ? d.siteName : 'Parley'
  const subject = oneLine(`You are invited to moderate comments on ${where}`, 150)
  const expires = d.expiresAt.toISOString().slice(0, 10)
  const text = [
    `${d.invitedBy} invited you to ${where} as ${d.role === 'admin' ? 'an admin' : 'a moderator'}.`,
    '',
    'Choose your password here (the link works once, until ' + expires + '):',
    d.setPasswordUrl,
    '',
    'If you did not expect this, ignore this email.',
  ].join('\n')
  const body = [
    `<p style="margin-top:0">${esc(d.invitedBy)} invited you to <strong>${esc(where)}</strong> as ${d.role === 'admin' ? 'an admin' : 'a moderator'}.</p>`,
    `<p>${button(d.setPasswordUrl, 'Choose a password')}</p>`,
    `<p style="font-size:13px;color:#6b7280">The link works once, until ${esc(expires)}. ${link(d.setPasswordUrl, 'Open it here')} if the button does not work.</p>`,
    '<p style="margin-bottom:0;font-size:13px;color:#6b7280">If you did not expect this, ignore this email.</p>',
  ].join('\n')
  return { subject, text, html: layout(where, body, 'You get this email because an admin invited you to moderate comments.') }
}
