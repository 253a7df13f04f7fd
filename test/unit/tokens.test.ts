import { describe, expect, it } from 'vitest'
import { createKeyring } from '../../src/privacy/keys.js'
import { signToken, verifyToken } from '../../src/notifications/tokens.js'

const keys = await createKeyring('unit-secret-0123456789-0123456789-abcdef')
const other = await createKeyring('unit-secret-0123456789-0123456789-zzzzzz')
const now = new Date('2026-11-01T12:00:00Z')
const later = (days: number) => new Date(now.getTime() + days * 86_400_000)

describe('email link tokens', () => {
  it('round-trips purpose and subject', async () => {
    const t = await signToken(keys, 'moderate', { comment: 'c1', action: 'approve', to: 'k1' }, now)
    expect(await verifyToken(keys, 'moderate', t, now)).toEqual({ comment: 'c1', action: 'approve', to: 'k1' })
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-f]{43}$/)
  })

  it('expires moderation and confirm links after 7 days; unsubscribe links never', async () => {
    const m = await signToken(keys, 'moderate', { comment: 'c1', action: 'spam', to: 'k1' }, now)
    const c = await signToken(keys, 'confirm', { site: 'news', key: 'k' }, now)
    const u = await signToken(keys, 'unsubscribe', { site: 'news', key: 'k' }, now)
    expect(await verifyToken(keys, 'moderate', m, later(6.9))).not.toBeNull()
    expect(await verifyToken(keys, 'moderate', m, later(7.01))).toBeNull()
    expect(await verifyToken(keys, 'confirm', c, later(7.01))).toBeNull()
    expect(await verifyToken(keys, 'unsubscribe', u, later(3650))).toEqual({ site: 'news', key: 'k' })
  })

  it('refuses another purpose, another secret, a changed payload or signature, and junk', async () => {
    const c = await signToken(keys, 'confirm', { site: 'news', key: 'k' }, now)
    expect(await verifyToken(keys, 'unsubscribe', c, now)).toBeNull()
    expect(await verifyToken(keys, 'moderate', c, now)).toBeNull()
    expect(await verifyToken(other, 'confirm', c, now)).toBeNull()
    const [payload, sig] = c.split('.') as [string, string]
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('news', 'blog')).toString('base64url')
    expect(await verifyToken(keys, 'confirm', `${forged}.${sig}`, now)).toBeNull()
    expect(await verifyToken(keys, 'confirm', `${payload}.${sig.slice(0, -1)}0`, now)).toBeNull()
    for (const junk of ['', '.', 'abc', `${payload}.`, `.${sig}`, 'x'.repeat(5000), null, undefined])
      expect(await verifyToken(keys, 'confirm', junk, now)).toBeNull()
  })

  it('never carries an email address', async () => {
    const t = await signToken(keys, 'confirm', { site: 'news', key: await keys.emailKey('ann@example.org') }, now)
    expect(Buffer.from(t.split('.')[0]!, 'base64url').toString()).not.toContain('@')
  })
})
