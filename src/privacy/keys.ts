import { encodeHexLowerCase } from '@oslojs/encoding'

/**
 * Keyed hashes derived from the server secret. Email addresses and IPs are only ever
 * stored or compared as these; without the secret they cannot be matched to a dictionary.
 */
export interface Keyring {
  /** HMAC of the normalised email: author history, bans, subscriptions. */
  emailKey(email: string): Promise<string>
  /** HMAC of the IP: flood control, bans, reports. */
  ipKey(ip: string): Promise<string>
  /** The public avatar key: a different HMAC, so it cannot be joined with email keys. */
  avatarKey(seed: string): Promise<string>
  /** A raw HMAC-SHA-256 for signed tokens, hex. */
  sign(purpose: string, data: string): Promise<string>
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export async function createKeyring(secret: string): Promise<Keyring> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const hmac = async (purpose: string, data: string) =>
    encodeHexLowerCase(
      new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${purpose}\u0000${data}`))),
    )
  return {
    emailKey: async (email) => (await hmac('email', normaliseEmail(email))).slice(0, 40),
    ipKey: async (ip) => (await hmac('ip', ip.trim().toLowerCase())).slice(0, 40),
    avatarKey: async (seed) => (await hmac('avatar', seed)).slice(0, 32),
    sign: hmac,
  }
}
