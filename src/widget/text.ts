/**
 * Every string a reader sees comes from here. English (lang/en.json) is built in; another
 * language is one file, lang/<tag>.json with the same keys, which the build serves next to
 * embed.js (`/embed/<tag>.<hash>.json`) and the widget fetches only when the page asks for it.
 * A key a translation lacks falls back to English. `{name}`-style placeholders are filled in;
 * plurals are objects keyed by "=<n>" or an Intl.PluralRules category.
 */
import EN_JSON from './lang/en.json' with { type: 'json' }

type Dict = Record<string, string | Record<string, string>>
const EN = EN_JSON as Dict

// Tag → content hash of every language file the build found (scripts/build-widget.mjs).
declare const __PARLEY_LANGS__: Record<string, string> | undefined
export const LANG_FILES: Record<string, string> = typeof __PARLEY_LANGS__ === 'object' ? __PARLEY_LANGS__ : {}

let lang = 'en'
let dict: Dict = EN
let plural = new Intl.PluralRules('en')
let rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
// One formatter for all: toLocaleString builds a new one per call, which 200 comments feel.
let dtf = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short' })

export const locale = () => lang

/**
 * The language to use for a tag (`data-lang`, else `<html lang>`): the exact file, else the
 * primary language (es-MX → es), else a file of that language (pt → pt-BR), else English.
 */
export function pickLang(tag: string | null | undefined, files: Record<string, string> = LANG_FILES): string {
  const want = (tag ?? '').trim().replace(/_/g, '-').toLowerCase()
  const primary = want.split('-')[0]
  const all = ['en', ...Object.keys(files)]
  return (
    all.find((l) => l.toLowerCase() === want) ??
    all.find((l) => l.toLowerCase() === primary) ??
    all.find((l) => l.toLowerCase().split('-')[0] === primary) ??
    'en'
  )
}

/** Switches to `tag`'s language, fetching its file; English (and any failure) needs no request. */
export async function useLang(tag: string | null | undefined, base: string): Promise<void> {
  const l = pickLang(tag)
  if (l === 'en') return
  try {
    const res = await fetch(`${base}/embed/${l}.${LANG_FILES[l]}.json`, { credentials: 'omit', mode: 'cors' })
    if (!res.ok) return
    dict = (await res.json()) as Dict
    lang = l
    plural = new Intl.PluralRules(l)
    rtf = new Intl.RelativeTimeFormat(l, { numeric: 'auto' })
    dtf = new Intl.DateTimeFormat(l, { dateStyle: 'long', timeStyle: 'short' })
  } catch {
    // a missing language is no reason to show no comments: English it is
  }
}

const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))

/** A string, with `{placeholders}` filled in. */
export function t(key: string, vars?: Record<string, string | number>): string {
  const v = dict[key] ?? EN[key]
  const s = typeof v === 'string' ? v : key
  return vars ? fill(s, vars) : s
}

/** A count in words ("3 Comments"): "=<n>" first, then the language's plural category. */
export function tn(key: string, n: number): string {
  const v = dict[key] ?? EN[key]
  if (typeof v !== 'object') return String(n)
  return fill(v[`=${n}`] ?? v[plural.select(n)] ?? v.other ?? '', { n: n.toLocaleString(lang) })
}

/** An API error in the reader's language: by its code, the server's own words only in English. */
export function errorText(code: string, message: string): string {
  const v = dict[`e_${code}`]
  if (typeof v === 'string') return v
  return lang === 'en' && message ? message : t('e_error')
}

/** A field message from the API, in the reader's language where the widget knows it. */
export function fieldText(message: string): string {
  if (lang === 'en') return message
  return message === 'is required' ? t('isRequired') : message === 'must be a valid email address' ? t('badEmail') : t('invalid')
}

export const REASONS = ['spam', 'abusive', 'offensive', 'other'] as const

export const label = (field: string) => t(field)

export const leftToEdit = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000))
  return t('left', { time: `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` })
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
]

export function ago(iso: string, now = Date.now()): string {
  const s = (Date.parse(iso) - now) / 1000
  for (const [unit, n] of UNITS) if (Math.abs(s) >= n) return rtf.format(Math.round(s / n), unit)
  return t('now')
}

export const exact = (iso: string) => dtf.format(new Date(iso))
