/** The query parameters that stay in a thread key unless a site says otherwise: WordPress's plain permalinks. */
export const DEFAULT_THREAD_QUERY_PARAMS: readonly string[] = ['p', 'page_id']

/**
 * A page's thread key: its path without fragment and without a trailing slash (`/a/b` and
 * `/a/b/` are one thread), plus only the query parameters named in `keep`, in that order
 * (`/?p=4`); every other query parameter is dropped. A full URL is reduced to its path and
 * query. `keep = 'all'` leaves the query string as it came (the site's setting is applied
 * later, with `threadKey`, once the site is known).
 */
export function normaliseUri(input: string, keep: readonly string[] | 'all' = DEFAULT_THREAD_QUERY_PARAMS): string | null {
  let s = input.trim()
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s)
      s = u.pathname + u.search
    } catch {
      return null
    }
  }
  s = s.replace(/#.*$/s, '')
  const q = s.indexOf('?')
  let path = q === -1 ? s : s.slice(0, q)
  const query = q === -1 ? '' : s.slice(q + 1)
  if (!path.startsWith('/') || path.startsWith('//')) return null
  if (/[\u0000-\u001f\u007f\s]/.test(path)) return null
  path = path.replace(/\/{2,}/g, '/')
  if (path.length > 1) path = path.replace(/\/+$/, '')
  const uri = keep === 'all' ? (query && !/[\u0000-\u001f\u007f]/.test(query) ? `${path}?${query}` : path) : path + keptQuery(query, keep)
  return uri.length <= 1000 ? uri : null
}

/** `?p=4&page_id=9` from a raw query string: the named parameters' first non-empty values, in `keep` order. */
function keptQuery(query: string, keep: readonly string[]): string {
  if (!query || keep.length === 0) return ''
  let params: URLSearchParams
  try {
    params = new URLSearchParams(query)
  } catch {
    return ''
  }
  const out = new URLSearchParams()
  for (const name of keep) {
    const v = params.getAll(name).find((x) => x !== '')
    if (v !== undefined && !/[\u0000-\u001f\u007f]/.test(v)) out.append(name, v)
  }
  const s = out.toString()
  return s ? `?${s}` : ''
}

/** A normalised uri (query kept whole) → the site's thread key. Cheap when there is no query. */
export function threadKey(uri: string, keep: readonly string[]): string {
  const q = uri.indexOf('?')
  if (q === -1) return uri
  return uri.slice(0, q) + keptQuery(uri.slice(q + 1), keep)
}
