import type { Context, MiddlewareHandler } from 'hono'
import { sql } from 'kysely'
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia'
import type { Role } from '../../db/schema.js'
import type { Clock } from '../lib/clock.js'
import type { AppEnv, Deps, ModeratorIdentity } from '../deps.js'
import { AppError, forbidden } from '../errors.js'
import { newToken, sha256Hex } from '../lib/ids.js'
import type { Database } from '../db/index.js'
import { identityOf } from '../moderation/access.js'
import { parseRoleMap } from './role.repository.js'

/**
 * Moderator sessions. Lucia v3 stays behind this one module (upstream has put it in
 * maintenance): the rest of the app sees tokens, cookies and a ModeratorIdentity.
 * The cookie holds a random token; the database only its sha-256, which is Lucia's session id.
 */

export const SESSION_COOKIE = 'parley_session'
export const SESSION_DAYS = 14

interface UserAttributes {
  email: string
  globalRole: Role | null
  siteRoles: Record<string, Role>
}

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<Record<never, never>, UserAttributes>
    DatabaseUserAttributes: UserAttributes
  }
}

/**
 * Our Kysely adapter; `db` is read on every call (on Workers each request has its own client).
 * Lucia decides expiry with Date.now(); the app's time is deps.clock
 * (tests move it), so dates cross this boundary shifted by the difference between the two.
 */
export function kyselyAdapter(db: () => Database, clock: Clock): Adapter {
  const skew = () => Date.now() - clock.now().getTime()
  const toLucia = (d: Date | string) => new Date(new Date(d).getTime() + skew())
  const fromLucia = (d: Date) => new Date(d.getTime() - skew())
  const toSession = (r: { id: string; user_id: string; expires_at: Date | string }): DatabaseSession => ({
    id: r.id,
    userId: r.user_id,
    expiresAt: toLucia(r.expires_at),
    attributes: {},
  })
  return {
    async getSessionAndUser(sessionId) {
      // One query: the session, its user and the user's role on each site, read on every request
      // so a role changed or taken away counts from the next request.
      const r = await db()
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select((eb) => [
          'sessions.id',
          'sessions.user_id',
          'sessions.expires_at',
          'users.email',
          'users.global_role',
          eb
            .selectFrom('site_roles')
            .select(sql<unknown>`jsonb_object_agg(site_roles.site_id, site_roles.role)`.as('roles'))
            .whereRef('site_roles.user_id', '=', 'users.id')
            .as('site_roles'),
        ])
        .where('sessions.id', '=', sessionId)
        .executeTakeFirst()
      if (!r) return [null, null]
      const user: DatabaseUser = { id: r.user_id, attributes: { email: r.email, globalRole: r.global_role, siteRoles: parseRoleMap(r.site_roles) } }
      return [toSession(r), user]
    },
    async getUserSessions(userId) {
      const rows = await db().selectFrom('sessions').selectAll().where('user_id', '=', userId).execute()
      return rows.map(toSession)
    },
    async setSession(s) {
      await db().insertInto('sessions').values({ id: s.id, user_id: s.userId, expires_at: fromLucia(s.expiresAt) }).execute()
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db().updateTable('sessions').set({ expires_at: fromLucia(expiresAt) }).where('id', '=', sessionId).execute()
    },
    async deleteSession(sessionId) {
      await db().deleteFrom('sessions').where('id', '=', sessionId).execute()
    },
    async deleteUserSessions(userId) {
      await db().deleteFrom('sessions').where('user_id', '=', userId).execute()
    },
    async deleteExpiredSessions() {
      await db().deleteFrom('sessions').where('expires_at', '<=', clock.now()).execute()
    },
  }
}

const instances = new WeakMap<Deps, Lucia<Record<never, never>, UserAttributes>>()

function lucia(deps: Deps) {
  let l = instances.get(deps)
  if (!l) {
    l = new Lucia(kyselyAdapter(() => deps.db, deps.clock), {
      // Sliding: Lucia pushes the expiry out again once half of it has passed.
      sessionExpiresIn: new TimeSpan(SESSION_DAYS, 'd'),
      sessionCookie: {
        name: SESSION_COOKIE,
        attributes: { secure: deps.config.publicUrl.startsWith('https:'), sameSite: 'lax', path: '/' },
      },
      getUserAttributes: (a) => a,
    })
    instances.set(deps, l)
  }
  return l
}

const TOKEN_RE = /^[A-Za-z0-9_-]{20,100}$/

/** Opens a session: returns the token (for the cookie) and the Set-Cookie value. */
export async function createSession(deps: Deps, userId: string): Promise<{ token: string; cookie: string }> {
  const token = newToken()
  await lucia(deps).createSession(userId, {}, { sessionId: sha256Hex(token) })
  return { token, cookie: lucia(deps).createSessionCookie(token).serialize() }
}

/** The signed-in moderator for a token, or null (bad format, unknown, expired). Never throws on bad input. */
export async function validateSessionToken(
  deps: Deps,
  token: string,
): Promise<{ identity: ModeratorIdentity; refreshedCookie: string | null } | null> {
  if (!TOKEN_RE.test(token)) return null
  const { session, user } = await lucia(deps).validateSession(sha256Hex(token))
  if (!session) return null
  return {
    identity: identityOf({ id: user.id, email: user.email, globalRole: user.globalRole, siteRoles: user.siteRoles }),
    refreshedCookie: session.fresh ? lucia(deps).createSessionCookie(token).serialize() : null,
  }
}

export async function invalidateSessionToken(deps: Deps, token: string): Promise<void> {
  if (TOKEN_RE.test(token)) await lucia(deps).invalidateSession(sha256Hex(token))
}

/** Sign-ins sweep sessions that expired unused (there is no background job for it). */
export async function deleteExpiredSessions(deps: Deps): Promise<void> {
  await lucia(deps).deleteExpiredSessions()
}

export function blankSessionCookie(deps: Deps): string {
  return lucia(deps).createBlankSessionCookie().serialize()
}

export function sessionTokenFrom(c: Context<AppEnv>): string | null {
  const header = c.req.header('cookie')
  if (!header) return null
  try {
    return lucia(c.var.deps).readSessionCookie(header)
  } catch {
    return null // a malformed cookie header (bad %-escape) is no session, not an error
  }
}

/** Sets c.var.moderator for any request carrying a valid session cookie. */
export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = sessionTokenFrom(c)
    let setCookie: string | null = null
    if (token) {
      const r = await validateSessionToken(c.var.deps, token)
      if (r) {
        c.set('moderator', r.identity)
        setCookie = r.refreshedCookie
      } else {
        setCookie = blankSessionCookie(c.var.deps)
      }
    }
    await next()
    // A handler that set the session cookie itself (sign-in, sign-out) has the last word: a blank
    // or refreshed cookie appended after it would undo the new session (the browser keeps the last).
    const handlerSetIt = c.res.headers.getSetCookie().some((v) => v.startsWith(`${SESSION_COOKIE}=`))
    if (setCookie && !handlerSetIt) {
      c.res.headers.append('Set-Cookie', setCookie)
      // A response that sets a session cookie must never be stored by a shared cache.
      c.res.headers.set('Cache-Control', 'private, no-store')
    }
  }
}

/** 401 unless a moderator is signed in. */
export function requireModerator(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.var.moderator) throw new AppError('unauthenticated', 401, 'Sign in as a moderator first.')
    await next()
  }
}

/**
 * CSRF guard for cookie-authenticated requests: a state-changing request a browser sends from
 * another origin is refused. Browsers send Origin on every cross-origin POST/PATCH/DELETE and
 * Sec-Fetch-Site on all requests; a client that sends neither is not a browser (no ambient cookie risk).
 */
export function sameOriginOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const site = c.req.header('sec-fetch-site')
      if (site && site !== 'same-origin' && site !== 'none') throw forbidden('Moderator requests must come from Parley itself.')
      const origin = c.req.header('origin')
      if (origin !== undefined && !isOwnOrigin(c, origin)) throw forbidden('Moderator requests must come from Parley itself.')
    }
    await next()
  }
}

function isOwnOrigin(c: Context<AppEnv>, origin: string): boolean {
  try {
    const o = new URL(origin)
    if (o.origin === new URL(c.var.deps.config.publicUrl).origin) return true
    // The address the request came to (the Node server builds the URL from the Host header).
    return o.origin === new URL(c.req.url).origin
  } catch {
    return false
  }
}
