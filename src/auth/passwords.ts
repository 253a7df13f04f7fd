import { argon2idAsync } from '@noble/hashes/argon2.js'
import { decodeBase64, encodeBase64 } from '@oslojs/encoding'

/**
 * The password port. Hashes are argon2id PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, unpadded base64), so a hash made by the
 * native hasher on Node verifies with the portable one on Workers and the other way round.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** false for a wrong password and for anything that is not a hash we understand. */
  verify(hash: string, password: string): Promise<boolean>
}

export interface Argon2Params {
  /** Memory in KiB. */
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane), also @node-rs/argon2's default. */
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }
/** For tests only: fast, still argon2id. */
export const CHEAP_ARGON2: Argon2Params = { memoryCost: 64, timeCost: 1, parallelism: 1 }

const OUTPUT_BYTES = 32
const SALT_BYTES = 16

const b64 = (bytes: Uint8Array) => encodeBase64(bytes).replace(/=+$/, '')
const unb64 = (s: string) => decodeBase64(s + '='.repeat((4 - (s.length % 4)) % 4))

export interface ParsedPhc extends Argon2Params {
  salt: Uint8Array
  hash: Uint8Array
}

export function formatPhc(p: Argon2Params, salt: Uint8Array, hash: Uint8Array): string {
  return `$argon2id$v=19$m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}$${b64(salt)}$${b64(hash)}`
}

/** Reads an argon2id v19 PHC string; null for anything else (or parameters out of range). */
export function parsePhc(phc: string): ParsedPhc | null {
  const m = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{6,172})$/.exec(phc)
  if (!m) return null
  const [memoryCost, timeCost, parallelism] = [Number(m[1]), Number(m[2]), Number(m[3])]
  // Refuse parameters that would let a stored value exhaust memory or CPU.
  if (timeCost < 1 || timeCost > 20 || parallelism < 1 || parallelism > 16) return null
  if (memoryCost < 8 * parallelism || memoryCost > 262_144) return null
  try {
    return { memoryCost, timeCost, parallelism, salt: unb64(m[4]!), hash: unb64(m[5]!) }
  } catch {
    return null
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/**
 * Pure-JS argon2id (@noble/hashes): runs anywhere, including Cloudflare Workers, where native
 * modules cannot load. Slower than the native hasher; the Node build uses that one.
 */
export function portablePasswordHasher(params: Argon2Params = DEFAULT_ARGON2): PasswordHasher {
  const derive = (password: string, salt: Uint8Array, p: Argon2Params, dkLen: number) =>
    argon2idAsync(password.normalize('NFC'), salt, { m: p.memoryCost, t: p.timeCost, p: p.parallelism, dkLen, maxmem: 2 ** 31 })
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
      return formatPhc(params, salt, await derive(password, salt, params, OUTPUT_BYTES))
    },
    async verify(phc, password) {
      const parsed = parsePhc(phc)
      if (!parsed || parsed.hash.length < 4) return false
      const got = await derive(password, parsed.salt, parsed, parsed.hash.length)
      return equalBytes(got, parsed.hash)
    },
  }
}
