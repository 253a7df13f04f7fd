import { describe, expect, it } from 'vitest'
import { siteSettingsPatchSchema } from '../../src/sites/settings.js'

describe('site settings PATCH schema', () => {
  it('keeps only the keys sent (no defaults filled in for the others)', () => {
    expect(siteSettingsPatchSchema.parse({ maxLinks: 3 })).toEqual({ maxLinks: 3 })
    expect(siteSettingsPatchSchema.parse({})).toEqual({})
    expect(siteSettingsPatchSchema.parse({ closeAfterDays: null })).toEqual({ closeAfterDays: null })
  })

  it('validates each key and refuses unknown ones', () => {
    expect(siteSettingsPatchSchema.safeParse({ moderationMode: 'sometimes' }).success).toBe(false)
    expect(siteSettingsPatchSchema.safeParse({ colour: 'red' }).success).toBe(false)
    expect(siteSettingsPatchSchema.safeParse({ origins: ['https://a.example/path'] }).success).toBe(false)
  })
})
