import { describe, expect, it } from 'vitest'
import { addressDelaySeconds, loginGate, type LoginFailureCounts } from '../../src/auth/login-limit.js'

const now = new Date('2026-11-01T12:00:00Z')
const ago = (s: number) => new Date(now.getTime() - s * 1000)
const counts = (over: Partial<LoginFailureCounts>): LoginFailureCounts => ({
  pairRecent: 0,
  pairOldestRecent: null,
  pairRemembered: 0,
  addressRecent: 0,
  addressLatest: null,
  ...over,
})

describe('login limit rules', () => {
  it('doubles an address’s delay past its free failures, up to 15 minutes', () => {
    expect([10, 11, 12, 13, 20, 21, 40].map(addressDelaySeconds)).toEqual([0, 1, 2, 4, 512, 900, 900])
  })
  it('locks a pair at 5 recent failures until the oldest ages out', () => {
    expect(loginGate(counts({ pairRecent: 4, pairOldestRecent: ago(60), pairRemembered: 4, addressRecent: 4, addressLatest: ago(1) }), now)).toEqual({ kind: 'open' })
    expect(loginGate(counts({ pairRecent: 5, pairOldestRecent: ago(60), pairRemembered: 5, addressRecent: 5, addressLatest: ago(1) }), now)).toEqual({ kind: 'locked', retryAfterS: 840 })
  })
  it('a slowed address is refused for accounts it failed for, and checked for the others', () => {
    const busy = { addressRecent: 14, addressLatest: ago(3) } // waits 8 s after its latest failure
    expect(loginGate(counts({ ...busy, pairRemembered: 1 }), now)).toEqual({ kind: 'locked', retryAfterS: 5 })
    expect(loginGate(counts({ ...busy, pairRemembered: 0 }), now)).toEqual({ kind: 'slowed', retryAfterS: 16 })
    expect(loginGate(counts({ addressRecent: 14, addressLatest: ago(9), pairRemembered: 1 }), now)).toEqual({ kind: 'open' })
  })
})
