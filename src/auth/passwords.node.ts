import { hash, verify } from '@node-rs/argon2'
import { DEFAULT_ARGON2, parsePhc, type Argon2Params, type PasswordHasher } from './passwords.js'

/** Native argon2id (@node-rs/argon2, a prebuilt binary) for Node; same PHC strings as the portable one. */
export function nodePasswordHasher(params: Argon2Params = DEFAULT_ARGON2): PasswordHasher {
  return {
    // algorithm 2 = Argon2id (a const enum in the package's types).
    hash: (password) => hash(password.normalize('NFC'), { ...params, outputLen: 32, algorithm: 2 }),
    async verify(phc, password) {
      if (!parsePhc(phc)) return false
      try {
        return await verify(phc, password.normalize('NFC'))
      } catch {
        return false
      }
    },
  }
}
