import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { AppEnv, Deps, ModeratorIdentity } from '../deps.js'
import { canAccessSite, isAdminOf } from '../moderation/access.js'
import { readSettings } from '../sites/settings.js'
import { listSites, type Site } from '../sites/site.service.js'
import type { Flash } from './layout.js'

/**
 * The pieces every desk page's routes share: reading form bodies, flash messages across a
 * redirect, safe return paths, the signed-in moderator and their sites.
 */

export type C = Context<AppEnv>
export type Body = Record<string, string | File | (string | File)[]>

const FLASH_COOKIE = 'parley_flash'
export const idSchema = z.string().regex(/^[a-z0-9]{1,64}$/)

export const me = (c: C): ModeratorIdentity => c.var.moderator!
export const wantsJson = (c: C) => (c.req.header('accept') ?? '').includes('application/json')

export function str(body: Body, key: string): string {
  const v = body[key]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : ''
}
export function all(body: Body, key: string): string[] {
  const v = body[key]
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string')
}
export const listLines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)

/** Only paths inside the UI: never an open redirect. */
export function safeReturn(value: string | undefined, fallback = '/mod/queue'): string {
  return value && /^\/mod(\/|\?|$)/.test(value) && !value.startsWith('//') && !/[\\\r\n]/.test(value) ? value : fallback
}

export function setFlash(c: C, flash: Flash) {
  setCookie(c, FLASH_COOKIE, JSON.stringify(flash), {
    path: '/mod',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.deps.config.publicUrl.startsWith('https:'),
    maxAge: 120,
  })
}
export function takeFlash(c: C): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE)
  if (!raw) return null
  deleteCookie(c, FLASH_COOKIE, { path: '/mod' })
  try {
    const f = JSON.parse(raw) as Flash
    return f && typeof f.text === 'string' && (f.kind === 'ok' || f.kind === 'bad')
      ? { kind: f.kind, text: f.text.slice(0, 500), ...(typeof f.link === 'string' ? { link: f.link.slice(0, 1000) } : {}) }
      : null
  } catch {
    return null
  }
}
/** Post/redirect/get: a message for the next page, then 303 to it. */
export function back(c: C, to: string, flash: Flash) {
  setFlash(c, flash)
  return c.redirect(to, 303)
}

/** The sites this moderator works on, with their settings. */
export async function mySites(deps: Deps, m: ModeratorIdentity): Promise<Site[]> {
  // Kept between writes on PGlite, like the queue's pages (QueuePageCache).
  const rows = deps.queueCache ? await deps.queueCache.read(deps.db, 'sites', () => listSites(deps.db)) : await listSites(deps.db)
  return rows
    .filter((r) => canAccessSite(m, r.id))
    .map((r) => ({ id: r.id, name: r.name, settings: readSettings(r.settings), storedSettings: r.settings }))
}
/** The site whose settings the nav links to: the preferred one if they administer it, else the first they do. */
export const adminSite = (m: ModeratorIdentity, sites: Site[], preferred?: string | null) => {
  const mine = sites.filter((s) => isAdminOf(m, s.id))
  return (mine.find((s) => s.id === preferred) ?? mine[0])?.id ?? null
}

/** zod issues → one message per form field, for showing next to the field. */
export function fieldErrors(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of err.issues) {
    const k = String(issue.path[0] ?? 'form')
    out[k] ??= issue.message
  }
  return out
}

export const plural = (n: number) => (n === 1 ? '1 comment' : `${n} comments`)
