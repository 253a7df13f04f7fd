import type { Config } from './config.js'
import { ConfigError } from './config.js'
import type { Database } from './db/index.js'
import { newToken } from './lib/ids.js'
import type { Logger } from './lib/log.js'
import { addSite, getSite } from './sites/site.service.js'

/**
 * The server secret: SECRET if set; in development, one generated once and kept in the
 * database (so keys and signed links survive restarts); in production, required.
 */
export async function resolveSecret(db: Database, config: Config, log: Logger): Promise<string> {
  if (config.secret) return config.secret
  if (config.env === 'production')
    throw new ConfigError('Invalid configuration: SECRET is required when NODE_ENV=production (32+ random characters)')
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'secret').executeTakeFirst()
  if (row) return row.value
  const secret = newToken() + newToken()
  await db.insertInto('meta').values({ key: 'secret', value: secret }).onConflict((oc) => oc.column('key').doNothing()).execute()
  const stored = await db.selectFrom('meta').select('value').where('key', '=', 'secret').executeTakeFirstOrThrow()
  log.info('No SECRET set: generated one and stored it in the database (set SECRET to use your own).')
  return stored.value
}

export const DEMO_SITE = 'demo'
/** Where the demo site's moderation emails go (the dev mailbox shows them at /dev/mail). */
export const DEMO_MODERATOR_EMAIL = 'moderator@demo.example'
export const DEMO_AUTHOR = { handle: 'ashley-davis', name: 'Ashley Davis', email: 'ashley.davis@newsroom.example' }

/** The `demo` site for the demo article, allowed from the server's own origins. */
export async function ensureDemoSite(db: Database, config: Config, now: Date): Promise<void> {
  const origins = [...new Set([new URL(config.publicUrl).origin, `http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`])]
  if (!(await getSite(db, DEMO_SITE))) {
    await addSite(db, { id: DEMO_SITE, name: 'Parley Demo News', origins, settings: { moderatorEmails: [DEMO_MODERATOR_EMAIL] } }, now)
  }
  await db
    .insertInto('site_authors')
    .values({ site_id: DEMO_SITE, ...DEMO_AUTHOR, notify: true, created_at: now })
    .onConflict((oc) => oc.columns(['site_id', 'handle']).doNothing())
    .execute()
}

const PUBLIC_URL_KEY = 'public_url'

/** The server notes where it listens, so the CLI (another process, maybe another PORT) can point there. */
export async function recordPublicUrl(db: Database, url: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key: PUBLIC_URL_KEY, value: url })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: url }))
    .execute()
}

/**
 * Where moderators sign in, for the CLI to print: PUBLIC_URL when this process has it, else the
 * address the server last said it listens on, else this process's localhost:PORT default.
 */
export async function signInUrl(db: Database, config: Config): Promise<string> {
  if (config.publicUrlSet) return `${config.publicUrl}/mod`
  const row = await db.selectFrom('meta').select('value').where('key', '=', PUBLIC_URL_KEY).executeTakeFirst()
  return `${row?.value ?? config.publicUrl}/mod`
}
