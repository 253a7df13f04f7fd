import type { Role } from '../../db/schema.js'
import { createUser } from '../../src/auth/user.service.js'
import type { TestContext } from './app.js'

let n = 0

export interface SignedIn {
  id: string
  email: string
  password: string
  cookie: string
  /** t.request with this moderator's session cookie. */
  request(method: string, path: string, opts?: { json?: unknown; headers?: Record<string, string>; ip?: string }): Promise<Response>
}

/** `parley_session=…` from a response's Set-Cookie, ready for a Cookie header. */
export function sessionCookieFrom(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('parley_session='))
  if (!set) throw new Error('no session cookie in the response')
  return set.split(';')[0]!
}

/** Creates a user (admin of every site by default) and signs them in through the real login route. */
export async function signIn(
  t: TestContext,
  opts: { role?: Role; sites?: string[] | null; email?: string; password?: string } = {},
): Promise<SignedIn> {
  n++
  const email = opts.email ?? `mod${n}-${Math.random().toString(36).slice(2, 6)}@newsroom.example`
  const password = opts.password ?? `password-${n}-long-enough`
  const user = await createUser(t.deps.db, t.deps.passwords, { email, password, role: opts.role ?? 'admin', sites: opts.sites ?? null }, t.clock.now())
  const res = await t.request('POST', '/api/auth/login', { json: { email, password } })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const cookie = sessionCookieFrom(res)
  return {
    id: user.id,
    email,
    password,
    cookie,
    request: (method, path, o = {}) => t.request(method, path, { ...o, headers: { cookie, ...o.headers } }),
  }
}

/**
 * What a browser keeps after a response: Set-Cookie headers applied in order, so a later
 * header for the same name wins (a blank or Max-Age=0 one deletes it). Returns the Cookie header.
 */
export function browserCookies(before: string, res: Response): string {
  const jar = new Map<string, string>()
  for (const part of before.split(/;\s*/)) {
    const i = part.indexOf('=')
    if (i > 0) jar.set(part.slice(0, i), part.slice(i + 1))
  }
  for (const set of res.headers.getSetCookie()) {
    const [pair] = set.split(';')
    const i = pair!.indexOf('=')
    const name = pair!.slice(0, i)
    const value = pair!.slice(i + 1)
    if (value === '' || /;\s*Max-Age=0(;|$)/i.test(set)) jar.delete(name)
    else jar.set(name, value)
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
}
