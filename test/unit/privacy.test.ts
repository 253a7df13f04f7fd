import { describe, expect, it } from 'vitest'
import { commentApproved, confirmAddress, privacyLink, reply } from '../../emails/index.js'
import { signToken, verifyToken } from '../../src/notifications/tokens.js'
import { createKeyring } from '../../src/privacy/keys.js'
import { readSettings, siteSettingsPatchSchema } from '../../src/sites/settings.js'

const keys = await createKeyring('unit-secret-0123456789-0123456789-abcdef')
const now = new Date('2026-11-01T12:00:00Z')
const hours = (h: number) => new Date(now.getTime() + h * 3600_000)

describe('privacy link tokens', () => {
  it('work for 24 hours, for the privacy purpose only, and carry no address', async () => {
    const key = await keys.emailKey('Ann@Example.org')
    const t = await signToken(keys, 'privacy', { site: 'news', key, t: now.getTime() }, now)
    expect(await verifyToken(keys, 'privacy', t, hours(23.9))).toEqual({ site: 'news', key, t: now.getTime() })
    expect(await verifyToken(keys, 'privacy', t, hours(24.01))).toBeNull()
    expect(await verifyToken(keys, 'unsubscribe', t, now)).toBeNull()
    expect(await verifyToken(keys, 'confirm', t, now)).toBeNull()
    // An unsubscribe link (never expires, same subject shape) is no privacy link.
    const u = await signToken(keys, 'unsubscribe', { site: 'news', key }, now)
    expect(await verifyToken(keys, 'privacy', u, now)).toBeNull()
    expect(Buffer.from(t.split('.')[0]!, 'base64url').toString().toLowerCase()).not.toContain('ann')
  })

  it('refuse a payload without its issue time', async () => {
    const t = await signToken(keys, 'privacy', { site: 'news', key: 'k' } as never, now)
    expect(await verifyToken(keys, 'privacy', t, now)).toBeNull()
  })
})

describe('the privacy link email', () => {
  it('escapes the site name and says until when the link works', () => {
    const m = privacyLink({ siteName: 'News <b>&</b>', manageUrl: 'http://parley.test/privacy/manage?token=a.b', expiresAt: hours(24) })
    expect(m.subject).toBe('[News <b>&</b>] Your comments and data')
    expect(m.html).not.toContain('<b>&</b>')
    expect(m.html).toContain('News &lt;b&gt;&amp;&lt;/b&gt;')
    expect(m.text).toContain('http://parley.test/privacy/manage?token=a.b')
    expect(m.text).toContain('until 2026-11-02 12:00 UTC')
    expect(m).toMatchSnapshot()
  })

  it('every commenter email links the privacy page in its footer', () => {
    const privacyUrl = 'http://parley.test/privacy?site=news'
    const base = { siteName: 'News', recipientName: 'Ann', threadTitle: 'T', unsubscribeUrl: 'http://parley.test/email/unsubscribe?token=U', privacyUrl }
    for (const m of [
      reply({ ...base, replyAuthorName: 'Ben', parentText: 'p', replyText: 'r', commentUrl: null }),
      commentApproved({ ...base, text: 'x', commentUrl: null }),
      confirmAddress({ ...base, confirmUrl: 'http://parley.test/email/confirm?token=C' }),
    ]) {
      expect(m.text).toContain(`See, download or erase your comments: ${privacyUrl}`)
      expect(m.html).toContain(`href="${privacyUrl.replace('&', '&amp;')}"`)
    }
  })
})

describe('retention settings', () => {
  it('default to 30 days of spam, 90 of rejected comments and 90 of IP keys; 0 keeps forever', () => {
    expect(readSettings({})).toMatchObject({ spamRetentionDays: 30, rejectedRetentionDays: 90, ipRetentionDays: 90 })
    expect(siteSettingsPatchSchema.safeParse({ spamRetentionDays: 0, ipRetentionDays: 365 }).success).toBe(true)
    for (const bad of [{ spamRetentionDays: -1 }, { rejectedRetentionDays: 1.5 }, { ipRetentionDays: '90' }])
      expect(siteSettingsPatchSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })
})
