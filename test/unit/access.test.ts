import { describe, expect, it } from 'vitest'
import type { ModeratorIdentity } from '../../src/deps.js'
import { AppError } from '../../src/errors.js'
import { decodeCursor, encodeCursor, isSeq, isTimestamp } from '../../src/lib/cursor.js'
import { assertAdmin, assertSiteAccess, canAccessSite, identityOf, isAdminAnywhere, roleOn, siteScope } from '../../src/moderation/access.js'

/** The user as before per-site roles: one role, on some sites (null = every site). */
const who = (role: 'admin' | 'moderator', sites: string[] | null): ModeratorIdentity =>
  identityOf({ id: 'u', email: 'u@x.example', globalRole: sites ? null : role, siteRoles: Object.fromEntries((sites ?? []).map((s) => [s, role])) })
const perSite = (siteRoles: Record<string, 'admin' | 'moderator'>, globalRole: 'admin' | 'moderator' | null = null) =>
  identityOf({ id: 'u', email: 'u@x.example', globalRole, siteRoles })
const code = (f: () => void) => {
  try {
    f()
    return null
  } catch (e) {
    return (e as AppError).status
  }
}

describe('moderator access', () => {
  it('limits a moderator to their sites; null means every site', () => {
    expect(canAccessSite(who('moderator', null), 'news')).toBe(true)
    expect(canAccessSite(who('moderator', ['news']), 'news')).toBe(true)
    expect(canAccessSite(who('moderator', ['news']), 'sports')).toBe(false)
    expect(code(() => assertSiteAccess(who('moderator', ['news']), 'sports'))).toBe(403)
  })

  it('keeps admin-only actions for admins, and global ones for admins of every site', () => {
    expect(code(() => assertAdmin(who('moderator', null), 'news'))).toBe(403)
    expect(code(() => assertAdmin(who('admin', ['news']), 'news'))).toBeNull()
    expect(code(() => assertAdmin(who('admin', ['news']), 'sports'))).toBe(403)
    expect(code(() => assertAdmin(who('admin', ['news']), null))).toBe(403)
    expect(code(() => assertAdmin(who('admin', null), null))).toBeNull()
  })

  it('gives each site its own role: admin of one site, moderator of another', () => {
    const m = perSite({ news: 'admin', sports: 'moderator' })
    expect(roleOn(m, 'news')).toBe('admin')
    expect(roleOn(m, 'sports')).toBe('moderator')
    expect(roleOn(m, 'weather')).toBeNull()
    expect(code(() => assertAdmin(m, 'news'))).toBeNull()
    expect(code(() => assertAdmin(m, 'sports'))).toBe(403)
    expect(code(() => assertSiteAccess(m, 'sports'))).toBeNull()
    expect(code(() => assertAdmin(m, null))).toBe(403)
    expect(m.sites).toEqual(['news', 'sports'])
    expect(isAdminAnywhere(perSite({ sports: 'moderator' }))).toBe(false)
  })

  it('lets the higher role count when a moderator of every site administers one', () => {
    const m = perSite({ news: 'admin' }, 'moderator')
    expect(roleOn(m, 'news')).toBe('admin')
    expect(roleOn(m, 'sports')).toBe('moderator')
    expect(m.sites).toBeNull()
    expect(roleOn(perSite({ news: 'moderator' }, 'admin'), 'news')).toBe('admin')
  })

  it('finds no role in a site id that names an Object property', () => {
    const m = perSite({ news: 'admin' })
    for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(roleOn(m, id)).toBeNull()
      expect(code(() => assertSiteAccess(m, id))).toBe(403)
    }
  })

  it('scopes a query to one checked site, or to the moderator’s sites', () => {
    expect(siteScope(who('moderator', ['a', 'b']), undefined)).toEqual(['a', 'b'])
    expect(siteScope(who('moderator', null), undefined)).toBeNull()
    expect(siteScope(who('moderator', ['a']), 'a')).toEqual(['a'])
    expect(code(() => siteScope(who('moderator', ['a']), 'b'))).toBe(403)
  })
})

describe('page cursors', () => {
  it('round-trip, and refuse anything not given out (400 on cursor)', () => {
    const c = encodeCursor(['2026-11-01T12:00:00.000Z', '42'])
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(c, (p) => p.length === 2 && isTimestamp(p[0]) && isSeq(p[1]))).toEqual(['2026-11-01T12:00:00.000Z', '42'])
    for (const bad of ['', '!!!', encodeCursor(['yesterday', '42']), encodeCursor(['2026-11-01T12:00:00.000Z', '4x'])]) {
      const e = (() => {
        try {
          decodeCursor(bad, (p) => p.length === 2 && isTimestamp(p[0]) && isSeq(p[1]))
        } catch (err) {
          return err as AppError
        }
      })()
      expect(e?.code).toBe('validation_failed')
      expect(e?.extra.fields?.[0]?.path).toBe('cursor')
    }
  })
})
