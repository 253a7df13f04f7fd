/**
 * Sign-in limits that an attacker cannot turn against a real user (issue 10, item 5).
 * Failures are counted per (account, address) pair, so guessing a moderator's password from
 * one place never locks them out from another; each address is also slowed down across all
 * accounts (password spraying) with delays that double, while an address that has not failed
 * for an account is never refused that account's right password. Pure rules; the counts come
 * from the database (login_failures), so every server on one database shares them.
 */

/** Failures for one account from one address within this window lock that pair. */
export const PAIR_WINDOW_MS = 15 * 60_000
export const PAIR_MAX_FAILURES = 5
/** Failures from one address (any account) within this window count towards its delay. */
export const ADDRESS_WINDOW_MS = 60 * 60_000
/** Failures an address may make within the window before it is slowed down. */
export const ADDRESS_FREE_FAILURES = 10
export const ADDRESS_MAX_DELAY_S = 15 * 60
/** How long a failure is remembered ("this address has failed for this account"); then swept. */
export const FAILURE_MEMORY_MS = 24 * 3600_000

export interface LoginFailureCounts {
  /** This account from this address, within PAIR_WINDOW_MS, and the oldest of those. */
  pairRecent: number
  pairOldestRecent: Date | null
  /** This account from this address, within FAILURE_MEMORY_MS. */
  pairRemembered: number
  /** This address, any account, within ADDRESS_WINDOW_MS, and the latest of those. */
  addressRecent: number
  addressLatest: Date | null
}

export type LoginGate =
  /** Check the password; a failure is answered 401. */
  | { kind: 'open' }
  /** Refuse without checking the password: 429 with Retry-After. */
  | { kind: 'locked'; retryAfterS: number }
  /** The address is slowed down but has not failed for this account: check the password (the
   * right one gets in); a failure is answered 429 like the other slowed attempts. */
  | { kind: 'slowed'; retryAfterS: number }

/** Seconds an address must wait after its latest failure, given its failures in the window. */
export function addressDelaySeconds(addressRecent: number): number {
  const over = addressRecent - ADDRESS_FREE_FAILURES
  return over <= 0 ? 0 : Math.min(2 ** (over - 1), ADDRESS_MAX_DELAY_S)
}

export function loginGate(f: LoginFailureCounts, now: Date): LoginGate {
  const t = now.getTime()
  if (f.pairRecent >= PAIR_MAX_FAILURES && f.pairOldestRecent) {
    return { kind: 'locked', retryAfterS: (f.pairOldestRecent.getTime() + PAIR_WINDOW_MS - t) / 1000 }
  }
  const wait = addressDelaySeconds(f.addressRecent)
  if (wait > 0 && f.addressLatest) {
    const until = f.addressLatest.getTime() + wait * 1000
    if (until > t) {
      const retryAfterS = (until - t) / 1000
      return f.pairRemembered > 0 ? { kind: 'locked', retryAfterS } : { kind: 'slowed', retryAfterS: addressDelaySeconds(f.addressRecent + 1) }
    }
  }
  return { kind: 'open' }
}
