import { z } from 'zod'
import type { Database, Executor } from '../db/index.js'
import type { Deps, ModeratorIdentity } from '../deps.js'
import { AppError, notFound } from '../errors.js'
import { normaliseEmail } from '../privacy/keys.js'
import { assertAdmin, assertSiteAccess } from '../moderation/access.js'
import { insertAuditEntry } from '../moderation/audit.repository.js'
import { deleteAuthor, findAuthor, findAuthorsBySite, insertAuthor, updateAuthor, type AuthorRow } from './author.repository.js'
import { readSettings, siteSettingsSchema, type SiteSettings, type siteSettingsPatchSchema } from './settings.js'
import { requireSite, setSiteSettings } from './site.service.js'

export type SettingsPatch = z.infer<typeof siteSettingsPatchSchema>

export async function getSiteSettings(deps: Deps, m: ModeratorIdentity, siteId: string): Promise<SiteSettings> {
  assertSiteAccess(m, siteId)
  return (await requireSite(deps.db, siteId)).settings
}

/** Merges a validated partial update into the stored settings; audits the keys that changed. */
export async function patchSiteSettings(deps: Deps, m: ModeratorIdentity, siteId: string, patch: SettingsPatch): Promise<SiteSettings> {
  assertAdmin(m, siteId)
  const now = deps.clock.now()
  const settings = await deps.db.transaction().execute(async (trx) => {
    await trx.selectFrom('sites').select('id').where('id', '=', siteId).forUpdate().executeTakeFirst()
    const site = await requireSite(trx, siteId)
    const current = site.settings as Record<string, unknown>
    const changed = Object.entries(patch)
      .filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(current[k]))
      .map(([k]) => k)
    if (changed.length === 0) return site.settings
    const stored = { ...site.storedSettings, ...Object.fromEntries(changed.map((k) => [k, (patch as Record<string, unknown>)[k]])) }
    siteSettingsSchema.parse(stored)
    await setSiteSettings(trx, siteId, stored)
    await insertAuditEntry(trx, {
      siteId,
      commentId: null,
      actor: { id: m.id, email: m.email },
      action: 'settings',
      from: null,
      to: null,
      reason: null,
      details: { changed },
      at: now,
    })
    return readSettings(stored)
  })
  // Cached pages and counts carry the settings they were read with: this server shows the new
  // ones at once (other servers within THREAD_CACHE_SECONDS).
  deps.threadCache?.invalidateSite(siteId)
  return settings
}

export const authorHandleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a handle like ashley-davis')

export const createAuthorSchema = z.object({
  handle: authorHandleSchema,
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.email('must be a valid email address').max(254),
  notify: z.boolean().default(true),
})

export const updateAuthorSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200).optional(),
  email: z.email('must be a valid email address').max(254).optional(),
  notify: z.boolean().optional(),
})

/** An article author as moderators see it (never shown to the public). */
export interface Author {
  handle: string
  name: string
  email: string
  notify: boolean
  createdAt: string
}

const toAuthor = (a: AuthorRow): Author => ({
  handle: a.handle,
  name: a.name,
  email: a.email,
  notify: a.notify,
  createdAt: new Date(a.created_at).toISOString(),
})

export async function listAuthors(deps: Deps, m: ModeratorIdentity, siteId: string): Promise<Author[]> {
  assertSiteAccess(m, siteId)
  await requireSite(deps.db, siteId)
  return (await findAuthorsBySite(deps.db, siteId)).map(toAuthor)
}

async function audit(db: Executor, m: ModeratorIdentity | null, siteId: string, action: string, handle: string, now: Date) {
  await insertAuditEntry(db, {
    siteId,
    commentId: null,
    actor: m ? { id: m.id, email: m.email } : null,
    action,
    from: null,
    to: null,
    reason: null,
    details: { handle },
    at: now,
  })
}

/** Registers an article author; `m` null when the CLI does it. */
export async function addAuthor(
  db: Database,
  m: ModeratorIdentity | null,
  siteId: string,
  input: z.infer<typeof createAuthorSchema>,
  now: Date,
): Promise<Author> {
  if (m) assertAdmin(m, siteId)
  await requireSite(db, siteId)
  return db.transaction().execute(async (trx) => {
    if (await findAuthor(trx, siteId, input.handle)) throw new AppError('duplicate', 409, `Author "${input.handle}" already exists on this site.`)
    await insertAuthor(trx, { siteId, handle: input.handle, name: input.name, email: normaliseEmail(input.email), notify: input.notify, now })
    await audit(trx, m, siteId, 'author_add', input.handle, now)
    return toAuthor((await findAuthor(trx, siteId, input.handle))!)
  })
}

export async function editAuthor(
  deps: Deps,
  m: ModeratorIdentity,
  siteId: string,
  handle: string,
  input: z.infer<typeof updateAuthorSchema>,
): Promise<Author> {
  assertAdmin(m, siteId)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    if (!(await findAuthor(trx, siteId, handle))) throw notFound(`No author "${handle}" on this site.`)
    await updateAuthor(trx, siteId, handle, { ...input, email: input.email ? normaliseEmail(input.email) : undefined })
    await audit(trx, m, siteId, 'author_update', handle, now)
    return toAuthor((await findAuthor(trx, siteId, handle))!)
  })
}

export async function removeAuthor(deps: Deps, m: ModeratorIdentity, siteId: string, handle: string): Promise<void> {
  assertAdmin(m, siteId)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findAuthor(trx, siteId, handle))) throw notFound(`No author "${handle}" on this site.`)
    await deleteAuthor(trx, siteId, handle)
    await audit(trx, m, siteId, 'author_remove', handle, now)
  })
}
