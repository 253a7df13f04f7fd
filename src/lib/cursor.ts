import { validationFailed } from '../errors.js'

/** An opaque page cursor: a few strings, base64url. */
export function encodeCursor(parts: string[]): string {
  return btoa(unescape(encodeURIComponent(parts.join('|')))).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
}

/** The cursor's parts, checked by `valid`; anything else is a 400 on `cursor`. */
export function decodeCursor(cursor: string, valid: (parts: string[]) => boolean): string[] {
  try {
    const parts = decodeURIComponent(escape(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')))).split('|')
    if (valid(parts)) return parts
  } catch {
    // falls through to the validation error
  }
  throw validationFailed([{ path: 'cursor', message: 'is not a cursor this API gave out' }])
}

// What `Date.prototype.toISOString()` gives for years 0–9999: PostgreSQL reads it the same way
// (a looser string V8 accepts, or a year before 4713 BC, would be a database error, i.e. a 500).
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/
export const isTimestamp = (s: string | undefined) => s !== undefined && ISO_TIMESTAMP.test(s) && !Number.isNaN(Date.parse(s))

const BIGINT_MAX = 9223372036854775807n
/** A positive PostgreSQL bigint (ids and seqs from bigserial columns). */
export const isSeq = (s: string | undefined) => s !== undefined && /^\d{1,19}$/.test(s) && BigInt(s) <= BIGINT_MAX
