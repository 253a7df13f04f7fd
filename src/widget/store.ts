/**
 * What the widget keeps in localStorage: the commenter's name, email and website only when
 * they tick "Save my name…", and the edit tokens of their own comments (needed to edit,
 * delete, and to see their own held comments after a reload; they carry no personal data).
 */
export interface Identity {
  name: string
  email: string
  url: string
}

interface TokenEntry {
  t: string
  /** editable until, ms */
  u: number
  /** stored at, ms */
  c: number
}

const ME = 'parley:me'
const TOKENS = 'parley:tokens:'
// Long enough to see a held comment come back after a moderator's weekend.
const KEEP_MS = 30 * 86_400_000

function read<T>(key: string): T | null {
  try {
    const v = localStorage.getItem(key)
    return v ? (JSON.parse(v) as T) : null
  } catch {
    return null
  }
}

function write(key: string, value: unknown | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // storage full or disabled (private mode): the widget works without it
  }
}

export const identity = {
  get: () => read<Identity>(ME),
  set: (v: Identity | null) => write(ME, v),
}

export function tokenStore(site: string) {
  const key = TOKENS + site
  const all = (): Record<string, TokenEntry> => {
    const m = read<Record<string, TokenEntry>>(key) ?? {}
    const now = Date.now()
    for (const id of Object.keys(m)) if (now - (m[id]?.c ?? 0) > KEEP_MS) delete m[id]
    return m
  }
  return {
    get: (id: string): TokenEntry | undefined => all()[id],
    list: () => Object.values(all()).map((e) => e.t).slice(-50),
    set(id: string, token: string, until: string) {
      const m = all()
      m[id] = { t: token, u: Date.parse(until), c: m[id]?.c ?? Date.now() }
      write(key, m)
    },
    drop(id: string) {
      const m = all()
      delete m[id]
      write(key, Object.keys(m).length ? m : null)
    },
  }
}
export type TokenStore = ReturnType<typeof tokenStore>

const VOTER = 'parley:voter'
const SORT = 'parley:sort:'
let voterInMemory: string | null = null

/**
 * The per-browser voter token (one vote per comment per browser; no account): made at the first
 * vote, 32 random base64url characters. The server keeps only an HMAC of it.
 */
export const voter = {
  get: () => read<string>(VOTER) ?? voterInMemory,
  make(): string {
    let v = voter.get()
    if (!v) {
      const bytes = crypto.getRandomValues(new Uint8Array(24))
      v = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
      voterInMemory = v
      write(VOTER, v)
    }
    return v
  },
}

/** The reader's chosen order for a site's threads (oldest, newest, best). */
export const sortChoice = {
  get: (site: string) => read<string>(SORT + site),
  set: (site: string, v: string) => write(SORT + site, v),
}
