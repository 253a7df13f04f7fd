import { ConfigError, loadConfig } from '../config.js'
import { migrateToLatest } from '../db/index.js'
import { DataDirLockedError, tookOverNotice } from '../db/lock.node.js'
import { openDatabase } from '../db/node.js'
import { resolveSecret } from '../bootstrap.js'
import { silentLogger } from '../lib/log.js'
import { rekeyAvatars } from '../privacy/avatar-keys.js'
import { createKeyring } from '../privacy/keys.js'

/**
 * `npm run migrate`: applies pending migrations to the database the environment names
 * (DATABASE_URL, else PGlite in DATA_DIR) and exits. The Workers deployment migrates with
 * this from a machine that can reach the database; a Worker never migrates per request.
 */
export async function migrate(env: Record<string, string | undefined>, print: (line: string) => void): Promise<string[]> {
  const config = loadConfig(env)
  const opened = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 1, holder: { command: 'npm run migrate' } })
  try {
    const stale = tookOverNotice(opened.lock, config.dataDir)
    if (stale) print(stale)
    const where = opened.kind === 'postgres' ? `PostgreSQL ${new URL(config.databaseUrl!).host}` : `PGlite in ${config.dataDir}`
    const applied = await migrateToLatest(opened.db)
    print(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}` : `${where} is up to date; nothing to apply.`)
    // Data steps that need the secret (avatar keys per site); a Worker never runs them itself.
    const keys = await createKeyring(await resolveSecret(opened.db, config, silentLogger))
    const rekeyed = await rekeyAvatars(opened.db, keys)
    if (rekeyed) print(`Made the avatar keys of ${rekeyed} comment(s) per site.`)
    return applied
  } finally {
    await opened.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await migrate(process.env, (l) => console.log(l))
  } catch (err) {
    console.error(err instanceof ConfigError || err instanceof DataDirLockedError ? err.message : `Migration failed: ${(err as Error)?.message ?? err}`)
    process.exit(1)
  }
}
