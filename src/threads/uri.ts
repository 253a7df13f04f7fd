/**
 * A page's thread key: its path, without query or fragment, without a trailing slash
 * (`/a/b` and `/a/b/` are one thread). A full URL is reduced to its path.
 */
export function normaliseUri(input: string): string | null {
  let s = input.trim()
  if (/^https?:\/\//i.test(s)) {
    try {
      s = new URL(s).pathname
    } catch {
      return null
    }
  }
  s = s.replace(/[?#].*$/s, '')
  if (!s.startsWith('/') || s.startsWith('//')) return null
  if (/[\u0000-\u001f\u007f\s]/.test(s)) return null
  s = s.replace(/\/{2,}/g, '/')
  if (s.length > 1) s = s.replace(/\/+$/, '')
  return s.length <= 1000 ? s : null
}
