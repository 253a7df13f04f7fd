import { describe, expect, it } from 'vitest'
import { createKeyring } from '../../src/privacy/keys.js'

/** The reference: WebCrypto's HMAC-SHA-256, as the keyring computed it before. */
async function webCryptoHex(secret: string, purpose: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${purpose}\u0000${data}`)))
  return [...sig].map((b) => b.toString(16).padStart(2, '0')).join('')
}

describe('the keyring', () => {
  it('gives exactly the keys WebCrypto gave (stored email/IP keys and signed links stay valid)', async () => {
    const secret = 'test-secret-0123456789-0123456789-abcdef'
    const k = await createKeyring(secret)
    expect(await k.emailKey('  Zoe@Example.ORG ')).toBe((await webCryptoHex(secret, 'email', 'zoe@example.org')).slice(0, 40))
    expect(await k.ipKey('2001:DB8::1')).toBe((await webCryptoHex(secret, 'ip', '2001:db8::1')).slice(0, 40))
    expect(await k.avatarKey('n:Zoë 🎉')).toBe((await webCryptoHex(secret, 'avatar', 'n:Zoë 🎉')).slice(0, 32))
    expect(await k.sign('confirm', 'payload')).toBe(await webCryptoHex(secret, 'confirm', 'payload'))
    expect(await k.sign('confirm', 'payload')).toBe(await k.sign('confirm', 'payload'))
  })
})
