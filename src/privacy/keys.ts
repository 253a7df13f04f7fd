import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
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
  /**
   * The public avatar key of an author on a site: an HMAC of the site and the normalised email
   * (the name when there is none). Per site, so the same address on two sites shows two pictures
   * and a key seen on one site says nothing about another; 40 hex characters.
   */
  avatarKey(siteId: string, author: { email: string | null; name: string }): Promise<string>
  /** A raw HMAC-SHA-256 for signed tokens, hex. */
  sign(purpose: string, data: string): Promise<string>
}

/** Avatar keys made before they were per site were 32 characters; these are 40. */
export const AVATAR_KEY_LENGTH = 40

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export async function createKeyring(secret: string): Promise<Keyring> {
  // HMAC-SHA-256 in plain JS (@noble/hashes): the same bytes WebCrypto gives, without an async
  // round trip per key — WebCrypto costs ~0.2 ms of CPU a call, which dominated bulk imports.
  const keyed = hmac.create(sha256, new TextEncoder().encode(secret))
  const hmacHex = (purpose: string, data: string) =>
    encodeHexLowerCase(keyed.clone().update(new TextEncoder().encode(`${purpose}\u0000${data}`)).digest())
  return {
    emailKey: async (email) => hmacHex('email', normaliseEmail(email)).slice(0, 40),
    ipKey: async (ip) => hmacHex('ip', ip.trim().toLowerCase()).slice(0, 40),
    avatarKey: async (siteId, a) =>
      hmacHex('avatar', `${siteId}\u0000${a.email ? `e:${normaliseEmail(a.email)}` : `n:${a.name}`}`).slice(0, AVATAR_KEY_LENGTH),
    sign: async (purpose, data) => hmacHex(purpose, data),
  }
}
