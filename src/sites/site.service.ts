import { z } from 'zod'
import type { Executor } from '../db/index.js'
import type { SiteRow } from '../../db/schema.js'
import { AppError, notFound } from '../errors.js'
import { findSiteById, insertSite, listSites, updateSiteSettings } from './site.repository.js'
import { readSettings, siteSettingsSchema, type SiteSettings } from './settings.js'

export const siteIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be 1–64 of a-z, 0-9 and -')

export interface Site {
  id: string
  name: string
  settings: SiteSettings
  /** What is stored, without defaults: PATCH merges into this. */
  storedSettings: Record<string, unknown>
}

export async function getSite(db: Executor, id: string): Promise<Site | undefined> {
  const row = await findSiteById(db, id)
  return row ? siteFromRow(row) : undefined
}

/** A stored site row as the app uses it: its settings read with their defaults. */
export function siteFromRow(row: { id: string; name: string; settings: SiteRow['settings'] }): Site {
  return { id: row.id, name: row.name, settings: readSettings(row.settings), storedSettings: row.settings }
}

export async function requireSite(db: Executor, id: string): Promise<Site> {
  const site = await getSite(db, id)
  if (!site) throw notFound(`No site "${id}".`)
  return site
}

export async function addSite(
  db: Executor,
  input: { id: string; name?: string; origins: string[]; settings?: Partial<SiteSettings> },
  now: Date,
): Promise<Site> {
  const id = siteIdSchema.parse(input.id)
  if (await findSiteById(db, id)) throw new AppError('duplicate', 409, `Site "${id}" already exists.`)
  const settings = siteSettingsSchema.partial().parse({ ...input.settings, origins: input.origins })
  await insertSite(db, { id, name: input.name ?? id, settings, createdAt: now })
  return (await getSite(db, id))!
}

export async function setSiteSettings(db: Executor, id: string, stored: Record<string, unknown>): Promise<void> {
  await updateSiteSettings(db, id, stored)
}

export { listSites }

/** Whether a browser Origin header may use this site's public API. */
export function originAllowed(site: Site, origin: string | undefined, publicUrl: string): boolean {
  if (!origin) return true
  const o = origin.replace(/\/+$/, '')
  if (o === new URL(publicUrl).origin) return true
  return site.settings.origins.includes(o)
}
