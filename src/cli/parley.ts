import { ConfigError } from '../config.js'
import { silentLogger } from '../lib/log.js'
import { bootNode } from '../server.node.js'
import { runCli } from './commands.js'

// `npm run parley -- <command>`: boots like the server (config, database, migrations), runs one command.
try {
  const { deps, opened } = await bootNode(process.env, silentLogger)
  let code = 1
  try {
    code = await runCli(process.argv.slice(2), deps)
  } finally {
    await deps.mailer.close?.()
    await opened.close()
  }
  process.exit(code)
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message)
    process.exit(1)
  }
  throw err
}
