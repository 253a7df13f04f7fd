import { describe, expect, it } from 'vitest'
import { moderatorInvite } from '../../emails/index.js'
import { passwordVersion } from '../../src/auth/invite.service.js'
import { signToken, verifyToken } from '../../src/notifications/tokens.js'
import { createKeyring } from '../../src/privacy/keys.js'

const keys = await createKeyring('unit-secret-0123456789-0123456789-abcdef')
const now = new Date('2026-11-01T12:00:00Z')

describe('set-password links', () => {
  it('are bound to their purpose and expire after 7 days', async () => {
    const t = await signToken(keys, 'set_password', { user: 'u1', v: passwordVersion(null) }, now)
    expect(await verifyToken(keys, 'set_password', t, now)).toEqual({ user: 'u1', v: passwordVersion(null) })
    expect(await verifyToken(keys, 'moderate', t, now)).toBeNull()
    expect(await verifyToken(keys, 'confirm', t, now)).toBeNull()
    expect(await verifyToken(keys, 'set_password', t, new Date(now.getTime() + 7.01 * 86_400_000))).toBeNull()
    const confirm = await signToken(keys, 'confirm', { site: 'news', key: 'k' }, now)
    expect(await verifyToken(keys, 'set_password', confirm, now)).toBeNull()
  })
  it('name the password they replace, so a new password retires them', () => {
    expect(passwordVersion(null)).not.toBe(passwordVersion('$argon2id$v=19$m=64,t=1,p=1$abc$def'))
    expect(passwordVersion('x')).toBe(passwordVersion('x'))
  })
})

describe('the invite email', () => {
  it('carries the link and escapes who sent it', () => {
    const mail = moderatorInvite({
      siteName: 'News <Example>',
      role: 'moderator',
      invitedBy: 'ed"itor@newsroom.example',
      setPasswordUrl: 'https://parley.example/mod/set-password?token=abc.def',
      expiresAt: new Date('2026-11-08T12:00:00Z'),
    })
    expect(mail.subject).toBe('You are invited to moderate comments on News <Example>')
    expect(mail.text).toContain('https://parley.example/mod/set-password?token=abc.def')
    expect(mail.text).toContain('until 2026-11-08')
    expect(mail.html).toContain('News &lt;Example&gt;')
    expect(mail.html).toContain('ed&quot;itor@newsroom.example')
    expect(mail.html).not.toContain('<Example>')
  })
})
