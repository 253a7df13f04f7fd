import { z } from 'zod'

const origin = z
  .string()
  .trim()
  .max(200)
  .refine((v) => {
    try {
      const u = new URL(v)
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/+$/, '')
    } catch {
      return false
    }
  }, 'must be an origin like https://news.example (scheme, host and optional port, no path)')
  .transform((v) => v.replace(/\/+$/, ''))

const keyList = z.array(z.string().trim().min(1).max(200)).max(1000)

/** Every site setting with its default. Stored partially in sites.settings, merged on read. */
export const siteSettingsSchema = z.object({
  moderationMode: z.enum(['pre', 'trusted', 'post']).default('trusted'),
  maxLinks: z.number().int().min(0).max(100).default(2),
  moderationKeys: keyList.default([]),
  disallowedKeys: keyList.default([]),
  floodSeconds: z.number().int().min(0).max(86_400).default(15),
  minFillSeconds: z.number().int().min(0).max(600).default(2),
  maxDepth: z.number().int().min(1).max(10).default(5),
  editWindowSeconds: z.number().int().min(0).max(30 * 86_400).default(900),
  closeAfterDays: z.number().int().min(1).max(36_500).nullable().default(null),
  requireNameEmail: z.boolean().default(true),
  origins: z.array(origin).max(50).default([]),
  moderatorEmails: z.array(z.email().max(100)).max(50).default([]),
  replyNotifications: z.boolean().default(true),
  // Where the widget puts the comment form: below the thread (WordPress's place) or above it.
  formPosition: z.enum(['top', 'bottom']).default('bottom'),
  notifyModerators: z.boolean().default(true),
  // Retention (days; 0 keeps forever): the worker purges spam and rejected comments that have
  // been so this long, and clears IP keys and user agents of comments older than this.
  spamRetentionDays: z.number().int().min(0).max(36_500).default(30),
  rejectedRetentionDays: z.number().int().min(0).max(36_500).default(90),
  ipRetentionDays: z.number().int().min(0).max(36_500).default(90),
  // Query parameters that stay in the thread key, in this order (WordPress's plain permalinks `/?p=4`).
  threadQueryParams: z
    .array(z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.[\]-]+$/, 'must be a query parameter name'))
    .max(20)
    .default(['p', 'page_id']),
  // Readers' order of a thread when they have not chosen one (GET /api/comments `sort`).
  defaultSort: z.enum(['oldest', 'newest', 'best']).default('oldest'),
  // Votes: upvotes always; downvotes only when the site allows them.
  downvotes: z.boolean().default(false),
  // Following a discussion by email ("Email me new comments on this article"): offered or not,
  // and at most one digest email per follower and thread in this many minutes.
  follows: z.boolean().default(true),
  followDigestMinutes: z.number().int().min(1).max(10_080).default(60),
})

export type SiteSettings = z.infer<typeof siteSettingsSchema>

type WithoutDefaults<T extends z.ZodRawShape> = {
  [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I extends z.ZodType> ? I : T[K]>
}

// `.partial()` keeps each field's default, so a PATCH of one key would also reset every
// other key to its default; strip the defaults first.
function withoutDefaults<T extends z.ZodRawShape>(shape: T): WithoutDefaults<T> {
  return Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]),
  ) as WithoutDefaults<T>
}

/** A partial update as PATCH takes it (no defaults filled in: absent keys stay as they are). */
export const siteSettingsPatchSchema = z.object(withoutDefaults(siteSettingsSchema.shape)).strict()

// Every request of a site reads its stored settings (a fresh object from the row): the zod parse
// of ~25 fields cost ~50 µs of a post's CPU (docs/perf.md round 3, Node CPU per post). The result
// depends only on the stored JSON, so it is kept per JSON text (a few sites, bounded) and each
// caller gets its own copy (arrays too): no caller can change another's settings.
const SETTINGS_CACHE_MAX = 256
const settingsCache = new Map<string, SiteSettings>()

function copySettings(s: SiteSettings): SiteSettings {
  const out = { ...s }
  for (const k of Object.keys(out) as (keyof SiteSettings)[]) if (Array.isArray(out[k])) (out as Record<string, unknown>)[k] = [...(out[k] as unknown[])]
  return out
}

export function readSettings(stored: unknown): SiteSettings {
  const raw = stored && typeof stored === 'object' ? stored : {}
  const key = JSON.stringify(raw)
  let settings = settingsCache.get(key)
  if (!settings) {
    const parsed = siteSettingsSchema.safeParse(raw)
    // A stored value that no longer validates falls back to defaults for the whole object
    // rather than failing every request for the site.
    settings = parsed.success ? parsed.data : siteSettingsSchema.parse({})
    if (settingsCache.size >= SETTINGS_CACHE_MAX) settingsCache.clear()
    settingsCache.set(key, settings)
  }
  return copySettings(settings)
}

export const MAX_BODY_LENGTH = 65_525
export const MAX_NAME_LENGTH = 245
export const MAX_EMAIL_LENGTH = 100
/** An address's format (one instance: building a zod schema per request costs more than the check). */
export const emailFormat = z.email()
export const MAX_URL_LENGTH = 200
