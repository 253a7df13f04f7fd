import { timingSafeEqual } from '../lib/ids.js'
import type { Keyring } from '../privacy/keys.js'

/**
 * Signed, purpose-bound, expiring tokens for the links in emails. The payload is readable
 * (base64url JSON) but carries no email address: subscriptions are named by their email key,
 * moderation recipients by the HMAC key of their address.
 */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'moderate' | 'set_password' | 'privacy' | 'follow_confirm' | 'follow_unsubscribe'

export interface ConfirmSubject {
  site: string
  key: string
}
export type UnsubscribeSubject = ConfirmSubject
export interface ModerateSubject {
  comment: string
  action: 'approve' | 'reject' | 'spam'
  /** The email key of the moderator the link was sent to. */
  to: string
}
/** A moderator invite / password link: single use, because `v` names the password hash it replaces. */
export interface SetPasswordSubject {
  user: string
  v: string
}

/** A reader's privacy link: their data on one site, named by its email key; `t` = issued at (ms). */
export interface PrivacySubject {
  site: string
  key: string
  t: number
}

/** One follow of one thread (issue 15): named by the follow's id, never by its address. */
export interface FollowSubject {
  site: string
  follow: string
}

interface Subjects {
  privacy: PrivacySubject
  confirm: ConfirmSubject
  unsubscribe: UnsubscribeSubject
  moderate: ModerateSubject
  set_password: SetPasswordSubject
  follow_confirm: FollowSubject
  follow_unsubscribe: FollowSubject
}

const DAY_MS = 86_400_000
/** Lifetimes by purpose; null never expires (an unsubscribe link must keep working). */
export const TOKEN_TTL_MS: Record<TokenPurpose, number | null> = {
  confirm: 7 * DAY_MS,
  moderate: 7 * DAY_MS,
  unsubscribe: null,
  set_password: 7 * DAY_MS,
  privacy: DAY_MS,
  follow_confirm: 7 * DAY_MS,
  follow_unsubscribe: null,
}

const SIGN_PURPOSE = 'email-link'

function b64urlEncode(s: string): string {
  const bytes = new TextEncoder().encode(s)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function b64urlDecode(s: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return null
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'))
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))
  } catch {
    return null
  }
}

export async function signToken<P extends TokenPurpose>(
  keys: Keyring,
  purpose: P,
  subject: Subjects[P],
  now: Date,
): Promise<string> {
  const ttl = TOKEN_TTL_MS[purpose]
  const payload = b64urlEncode(JSON.stringify({ p: purpose, s: subject, e: ttl === null ? 0 : Math.floor((now.getTime() + ttl) / 1000) }))
  const sig = (await keys.sign(SIGN_PURPOSE, payload)).slice(0, 43)
  return `${payload}.${sig}`
}

/**
 * The subject of a valid token of this purpose, or null for anything else: malformed,
 * forged (checked in constant time), expired, or minted for another purpose.
 */
export async function verifyToken<P extends TokenPurpose>(
  keys: Keyring,
  purpose: P,
  token: string | undefined | null,
  now: Date,
): Promise<Subjects[P] | null> {
  if (!token || token.length > 2000) return null
  const dot = token.lastIndexOf('.')
  if (dot <= 0) return null
  const payload = token.slice(0, dot)
  const sig = token.slice(dot + 1)
  const expected = (await keys.sign(SIGN_PURPOSE, payload)).slice(0, 43)
  if (!timingSafeEqual(sig, expected)) return null
  const json = b64urlDecode(payload)
  if (json === null) return null
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    return null
  }
  if (!data || typeof data !== 'object') return null
  const { p, s, e } = data as { p?: unknown; s?: unknown; e?: unknown }
  if (p !== purpose || typeof e !== 'number' || !s || typeof s !== 'object') return null
  if (e !== 0 && now.getTime() > e * 1000) return null
  if (!isSubject(purpose, s)) return null
  return s as Subjects[P]
}

function isSubject(purpose: TokenPurpose, s: object): boolean {
  const o = s as Record<string, unknown>
  const str = (k: string) => typeof o[k] === 'string' && (o[k] as string).length > 0 && (o[k] as string).length <= 200
  if (purpose === 'set_password') return str('user') && str('v')
  if (purpose === 'privacy') return str('site') && str('key') && typeof o.t === 'number' && Number.isFinite(o.t)
  if (purpose === 'follow_confirm' || purpose === 'follow_unsubscribe') return str('site') && str('follow')
  if (purpose === 'moderate') return str('comment') && str('to') && ['approve', 'reject', 'spam'].includes(o.action as string)
  return str('site') && str('key')
}
