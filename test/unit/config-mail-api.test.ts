import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'

describe('config: the HTTP mail transport and secret values', () => {
  it('reads MAIL_API_URL and MAIL_API_KEY', () => {
    const c = loadConfig({ MAIL_API_URL: 'https://api.resend.com/emails', MAIL_API_KEY: 're_123' })
    expect([c.mailApiUrl, c.mailApiKey]).toEqual(['https://api.resend.com/emails', 're_123'])
    expect(loadConfig({}).mailApiUrl).toBeUndefined()
  })

  it('refuses a plain-http mail API in production (the bearer key would travel in clear)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(32), MAIL_API_URL: 'http://mail.example/send' })).toThrow(
      'MAIL_API_URL must start with https://',
    )
    expect(loadConfig({ MAIL_API_URL: 'http://127.0.0.1:8025/send' }).mailApiUrl).toBe('http://127.0.0.1:8025/send')
    expect(() => loadConfig({ MAIL_API_URL: 'ftp://mail.example' })).toThrow(/MAIL_API_URL must be a URL/)
  })

  it('reads LIVE_POLL_SECONDS (how often clients without a live stream ask), 15 by default, 1–600', () => {
    expect(loadConfig({}).livePollSeconds).toBe(15)
    expect(loadConfig({ LIVE_POLL_SECONDS: '5' }).livePollSeconds).toBe(5)
    expect(() => loadConfig({ LIVE_POLL_SECONDS: '0' })).toThrow(/LIVE_POLL_SECONDS/)
    expect(() => loadConfig({ LIVE_POLL_SECONDS: '1.5' })).toThrow(/LIVE_POLL_SECONDS/)
  })

  it('never echoes the value of a secret variable in its error', () => {
    const msg = (env: Record<string, string>) => {
      try {
        loadConfig(env)
      } catch (e) {
        return (e as Error).message
      }
      throw new Error('expected a configuration error')
    }
    expect(msg({ SECRET: 'hunter2-hunter2' })).toBe('Invalid configuration: SECRET must be at least 32 characters (value hidden)')
    expect(msg({ DATABASE_URL: 'mysql://root:pw@db/x' })).not.toContain('pw@')
    expect(msg({ PORT: 'eighty' })).toContain('(got "eighty")')
  })
})
