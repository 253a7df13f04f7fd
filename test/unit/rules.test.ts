import { describe, expect, it } from 'vitest'
import { normaliseWebsite } from '../../src/comments/comment.schemas.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { identiconSvg } from '../../src/privacy/avatar.js'
import { createKeyring } from '../../src/privacy/keys.js'
import { normaliseUri } from '../../src/threads/uri.js'

describe('thread URIs', () => {
  it('treats /a/b and /a/b/ as one thread and drops query and fragment', () => {
    expect(normaliseUri('/a/b/')).toBe('/a/b')
    expect(normaliseUri('/a/b?utm=x#c')).toBe('/a/b')
    expect(normaliseUri('/')).toBe('/')
    expect(normaliseUri('https://news.example/a/b/?x')).toBe('/a/b')
  })
  it('refuses what is not a path', () => {
    for (const bad of ['a/b', '', '//evil.example/x', '/a b', 'javascript:x']) expect(normaliseUri(bad)).toBeNull()
  })
})

describe('website normalisation', () => {
  it('adds http:// to a bare host', () => {
    expect(normaliseWebsite('example.org')).toBe('http://example.org')
    expect(normaliseWebsite('https://example.org/me')).toBe('https://example.org/me')
    expect(normaliseWebsite('  ')).toBe('')
  })
  it('refuses javascript:, data: and other schemes', () => {
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', 'ftp://example.org', 'http://', 'not a url'])
      expect(normaliseWebsite(bad)).toBeNull()
  })
})

describe('configuration', () => {
  it('has defaults for everything', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ port: 3000, env: 'development', publicUrl: 'http://localhost:3000', demo: true })
  })
  it('stops with one line naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT .*"eighty"/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/)
    expect(() => loadConfig({ SECRET: 'short' })).toThrow(/SECRET must be at least 32/)
  })
})

describe('keys and avatars', () => {
  it('keys emails case-insensitively, and differently per secret', async () => {
    const a = await createKeyring('a'.repeat(32))
    const b = await createKeyring('b'.repeat(32))
    expect(await a.emailKey('Ann@Example.org ')).toBe(await a.emailKey('ann@example.org'))
    expect(await a.emailKey('ann@example.org')).not.toBe(await b.emailKey('ann@example.org'))
    expect(await a.avatarKey('news', { email: 'x', name: '' })).not.toBe((await a.emailKey('x')).slice(0, 40))
  })
  it('keys avatars per site, by the normalised email (or the name without one)', async () => {
    const a = await createKeyring('a'.repeat(32))
    const ann = { email: 'Ann@Example.org', name: 'Ann' }
    expect(await a.avatarKey('news', ann)).toMatch(/^[0-9a-f]{40}$/)
    expect(await a.avatarKey('news', ann)).toBe(await a.avatarKey('news', { email: ' ann@example.org', name: 'Other' }))
    expect(await a.avatarKey('news', ann)).not.toBe(await a.avatarKey('blog', ann))
    expect(await a.avatarKey('news', { email: null, name: 'Ann' })).not.toBe(await a.avatarKey('blog', { email: null, name: 'Ann' }))
  })
  it('draws the same identicon for the same key, and a different one for another', () => {
    expect(identiconSvg('0123456789abcdef0123456789abcdef')).toBe(identiconSvg('0123456789abcdef0123456789abcdef'))
    expect(identiconSvg('0123456789abcdef0123456789abcdef')).not.toBe(identiconSvg('fedcba9876543210fedcba9876543210'))
    expect(identiconSvg('x')).toMatch(/^<svg/)
  })
})
