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

// Tokens signed by hand (a valid signature over a payload the service would never write): what
// verifyToken must still refuse, and the exact edges of length and expiry.
describe('email link tokens: edges', () => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url')
  const signed = async (payload: string) => `${payload}.${(await keys.sign('email-link', payload)).slice(0, 43)}`
  const json = (o: unknown) => signed(b64(JSON.stringify(o)))
  const future = Math.floor(now.getTime() / 1000) + 3600

  it('accepts a hand-signed payload of the right shape (the helpers below are sound)', async () => {
    expect(await verifyToken(keys, 'confirm', await json({ p: 'confirm', s: { site: 'news', key: 'k' }, e: future }), now)).toEqual({ site: 'news', key: 'k' })
  })

  it('expires at the second it names, not before', async () => {
    const t = await signToken(keys, 'confirm', { site: 'news', key: 'k' }, now)
    const e = Math.floor((now.getTime() + 7 * 86_400_000) / 1000)
    expect(await verifyToken(keys, 'confirm', t, new Date(e * 1000))).toEqual({ site: 'news', key: 'k' })
    expect(await verifyToken(keys, 'confirm', t, new Date(e * 1000 + 1))).toBeNull()
    const p = await signToken(keys, 'privacy', { site: 'news', key: 'k', t: 1 }, now)
    expect(await verifyToken(keys, 'privacy', p, new Date(now.getTime() + 86_400_000))).not.toBeNull()
    expect(await verifyToken(keys, 'privacy', p, new Date(now.getTime() + 86_400_000 + 1000))).toBeNull()
    const s = await signToken(keys, 'set_password', { user: 'u', v: 'v' }, now)
    expect(await verifyToken(keys, 'set_password', s, later(6.99))).not.toBeNull()
    expect(await verifyToken(keys, 'set_password', s, later(7.01))).toBeNull()
  })

  it('writes the lifetime into the payload: 0 for a link that never expires', async () => {
    const payloadOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString())
    expect(payloadOf(await signToken(keys, 'unsubscribe', { site: 'news', key: 'k' }, now))).toEqual({ p: 'unsubscribe', s: { site: 'news', key: 'k' }, e: 0 })
    expect(payloadOf(await signToken(keys, 'moderate', { comment: 'c', action: 'spam', to: 'k' }, now)).e).toBe(Math.floor(now.getTime() / 1000) + 7 * 86_400)
  })

  it('round-trips any text, base64url without padding (+ / = never appear)', async () => {
    for (const site of ['nöws-ü', '>>>???', 'a', 'ab', 'abc', '~~~~']) {
      const t = await signToken(keys, 'confirm', { site, key: '\u{1F600}?>' }, now)
      expect(t).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-f]{43}$/)
      expect(await verifyToken(keys, 'confirm', t, now)).toEqual({ site, key: '\u{1F600}?>' })
    }
  })

  it('is at most 2000 characters', async () => {
    const base = { p: 'confirm', s: { site: 'news', key: 'k' }, e: future }
    const sized = async (n: number) => {
      let pad = ''
      let t = await json({ ...base, pad })
      while (t.length < n) t = await json({ ...base, pad: (pad += 'x') })
      return t
    }
    const max = await sized(2000)
    expect(max.length).toBe(2000)
    expect(await verifyToken(keys, 'confirm', max, now)).toEqual({ site: 'news', key: 'k' })
    const over = await sized(2001)
    expect(over.length).toBeGreaterThan(2000)
    expect(await verifyToken(keys, 'confirm', over, now)).toBeNull()
  })

  it('refuses a validly signed payload that is not base64url JSON of the right shape', async () => {
    const refused = async (payload: string, purpose: 'confirm' | 'moderate' | 'privacy' | 'set_password' = 'confirm') =>
      expect(await verifyToken(keys, purpose, await signed(payload), now), payload).toBeNull()
    await refused('not+base64/url=')
    await refused(b64('{not json'))
    await refused(b64('null'))
    await refused(b64('5'))
    await refused(b64('"text"'))
    await refused(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')) // not UTF-8
    await refused(b64(JSON.stringify({ p: 'confirm', s: { site: 'news', key: 'k' } }))) // no expiry
    await refused(b64(JSON.stringify({ p: 'confirm', s: { site: 'news', key: 'k' }, e: String(future) })))
    await refused(b64(JSON.stringify({ p: 'confirm', s: null, e: future })))
    await refused(b64(JSON.stringify({ p: 'confirm', s: 'news', e: future })))
    await refused(b64(JSON.stringify({ s: { site: 'news', key: 'k' }, e: future })))
    await refused(b64(JSON.stringify({ p: 'confirm', s: { site: 'news', key: 'k' }, e: 1 }))) // long expired
  })

  it('checks the subject of each purpose: strings of 1 to 200 characters, the right fields', async () => {
    const ok = (purpose: string, s: unknown) => json({ p: purpose, s, e: future })
    const v = async (purpose: 'confirm' | 'unsubscribe' | 'moderate' | 'privacy' | 'set_password' | 'follow_confirm' | 'follow_unsubscribe', s: unknown) =>
      verifyToken(keys, purpose, await ok(purpose, s), now)
    expect(await v('confirm', { site: 'x'.repeat(200), key: 'k' })).not.toBeNull()
    expect(await v('confirm', { site: 'x'.repeat(201), key: 'k' })).toBeNull()
    expect(await v('confirm', { site: '', key: 'k' })).toBeNull()
    expect(await v('confirm', { site: 'news', key: '' })).toBeNull()
    expect(await v('confirm', { site: 'news' })).toBeNull()
    expect(await v('unsubscribe', { site: 'news', key: 5 })).toBeNull()
    expect(await v('unsubscribe', { site: 'news', key: 'k' })).toEqual({ site: 'news', key: 'k' })
    expect(await v('set_password', { user: 'u', v: 'h' })).toEqual({ user: 'u', v: 'h' })
    expect(await v('set_password', { user: 'u' })).toBeNull()
    expect(await v('set_password', { v: 'h' })).toBeNull()
    expect(await v('set_password', { site: 'news', key: 'k' })).toBeNull()
    expect(await v('moderate', { comment: 'c', action: 'approve', to: 'k' })).not.toBeNull()
    expect(await v('moderate', { comment: 'c', action: 'reject', to: 'k' })).not.toBeNull()
    expect(await v('moderate', { comment: 'c', action: 'spam', to: 'k' })).not.toBeNull()
    expect(await v('moderate', { comment: 'c', action: 'delete', to: 'k' })).toBeNull()
    expect(await v('moderate', { comment: 'c', action: 'approve' })).toBeNull()
    expect(await v('moderate', { action: 'approve', to: 'k' })).toBeNull()
    expect(await v('privacy', { site: 'news', key: 'k', t: 5 })).toEqual({ site: 'news', key: 'k', t: 5 })
    expect(await v('privacy', { site: 'news', key: 'k', t: '5' })).toBeNull()
    expect(await v('privacy', { site: 'news', t: 5 })).toBeNull()
    expect(await v('privacy', { key: 'k', t: 5 })).toBeNull()
    // Following a discussion: the site and the follow's id, both required; a reply-subscription shape is not one.
    for (const purpose of ['follow_confirm', 'follow_unsubscribe'] as const) {
      expect(await v(purpose, { site: 'news', follow: 'f1' }), purpose).toEqual({ site: 'news', follow: 'f1' })
      expect(await v(purpose, { site: 'news' }), purpose).toBeNull()
      expect(await v(purpose, { follow: 'f1' }), purpose).toBeNull()
      expect(await v(purpose, { site: 'news', follow: '' }), purpose).toBeNull()
      expect(await v(purpose, { site: 'news', key: 'k' }), purpose).toBeNull()
    }
    // JSON can spell infinity (1e999): not a time.
    const inf = await signed(b64(`{"p":"privacy","s":{"site":"news","key":"k","t":1e999},"e":${future}}`))
    expect(await verifyToken(keys, 'privacy', inf, now)).toBeNull()
  })

  it('compares the whole signature: a token with a longer or shorter one is refused', async () => {
    const t = await signToken(keys, 'confirm', { site: 'news', key: 'k' }, now)
    expect(await verifyToken(keys, 'confirm', t + '0', now)).toBeNull()
    expect(await verifyToken(keys, 'confirm', t.slice(0, -1), now)).toBeNull()
    expect(await verifyToken(keys, 'confirm', `${t}.`, now)).toBeNull()
  })
})

describe('email link tokens: the payload encoding', () => {
  const future = Math.floor(now.getTime() / 1000) + 3600
  const signed = async (payload: string) => `${payload}.${(await keys.sign('email-link', payload)).slice(0, 43)}`
  it('a payload in standard base64 (+ and /), or not UTF-8, is refused even when signed', async () => {
    // Standard base64 of a valid payload, with + or / inside and no padding: not base64url.
    let pad = ''
    let std = ''
    for (;;) {
      std = Buffer.from(JSON.stringify({ p: 'confirm', s: { site: '~~~???', key: 'k' }, e: future, pad })).toString('base64')
      if (!std.includes('=') && /[+/]/.test(std) && /^[A-Za-z0-9]/.test(std) && /[A-Za-z0-9]$/.test(std)) break
      pad += 'x'
    }
    expect(await verifyToken(keys, 'confirm', await signed(std), now)).toBeNull()
    // The same JSON in base64url is fine.
    const url = Buffer.from(Buffer.from(std, 'base64').toString('utf8')).toString('base64url')
    expect(await verifyToken(keys, 'confirm', await signed(url), now)).toEqual({ site: '~~~???', key: 'k' })
    // Valid JSON around a byte that is not UTF-8: refused, not read as U+FFFD.
    const bytes = Buffer.concat([Buffer.from('{"p":"confirm","s":{"site":"'), Buffer.from([0xff]), Buffer.from(`","key":"k"},"e":${future}}`)])
    expect(await verifyToken(keys, 'confirm', await signed(bytes.toString('base64url')), now)).toBeNull()
  })
})
