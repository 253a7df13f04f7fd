import { describe, expect, it } from 'vitest'
import { readSettings, siteSettingsSchema } from '../../src/sites/settings.js'

// readSettings keeps its parse per stored JSON text (docs/perf.md round 3, Node CPU per post):
// the same answers as a parse each time, and no caller's changes reach another caller.
describe('readSettings', () => {
  it('reads each stored value as a fresh parse would, defaults filled in, a bad value as all defaults', () => {
    const a = { maxLinks: 3, origins: ['https://a.example/'] }
    const b = { maxLinks: 4, moderationKeys: ['spam'] }
    for (let i = 0; i < 2; i++) {
      expect(readSettings(a)).toEqual(siteSettingsSchema.parse(a))
      expect(readSettings(b)).toEqual(siteSettingsSchema.parse(b))
      expect(readSettings({ maxLinks: -1 })).toEqual(siteSettingsSchema.parse({}))
      expect(readSettings(null)).toEqual(siteSettingsSchema.parse({}))
    }
    expect(readSettings(a).origins).toEqual(['https://a.example'])
  })

  it('gives each caller its own object: a change to one read does not show in the next', () => {
    const stored = { moderationKeys: ['viagra'], maxLinks: 1 }
    const first = readSettings(stored)
    first.moderationKeys.push('casino')
    first.maxLinks = 9
    const second = readSettings(stored)
    expect(second.moderationKeys).toEqual(['viagra'])
    expect(second.maxLinks).toBe(1)
    expect(second).not.toBe(first)
  })
})
