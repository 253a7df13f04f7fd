import { ConfigError } from '../config.js'
import { DataDirLockedError, tookOverNotice } from '../db/lock.node.js'
import { silentLogger } from '../lib/log.js'
import { bootNode } from '../server.node.js'
import { runCli } from './commands.js'

// `npm run parley -- <command>`: boots like the server (config, database, migrations), runs one command.
try {
  // On embedded PGlite this refuses (one line, exit 1) while a server holds the data directory.
  const { deps, opened } = await bootNode(process.env, silentLogger, { command: 'npm run parley' })
  const stale = tookOverNotice(opened.lock, deps.config.dataDir)
  if (stale) console.error(stale)
  let code = 1
  try {
    code = await runCli(process.argv.slice(2), deps)
  } finally {
    await deps.mailer.close?.()
    await opened.close()
  }
  process.exit(code)
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(err.message)
    process.exit(1)
  }
  throw err
}
