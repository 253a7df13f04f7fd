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

export const isTimestamp = (s: string | undefined) => s !== undefined && !Number.isNaN(Date.parse(s))
export const isSeq = (s: string | undefined) => s !== undefined && /^\d{1,19}$/.test(s)
