import { ConfigError } from '../config.js'
import { DataDirLockedError } from '../db/lock.node.js'
import { keepUpOnStrayConnectionErrors } from '../db/node.js'
import { consoleLogger } from '../lib/log.js'
import { startOutboxWorker } from '../notifications/outbox.js'
import { startDigestWorker } from '../follows/digest.js'
import { startRetentionWorker } from '../privacy/retention.js'
import { bootNode } from '../server.node.js'

/** `npm run worker`: only the email delivery loop (with the follow digests and the hourly retention purge), e.g. on its own machine next to the servers. */
const log = consoleLogger()
keepUpOnStrayConnectionErrors((msg, fields) => log.warn(msg, fields))
let booted: Awaited<ReturnType<typeof bootNode>>
try {
  booted = await bootNode(process.env, log, { command: 'npm run worker' })
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(err.message)
    process.exit(1)
  }
  throw err
}
const { deps, opened } = booted
const worker = startOutboxWorker(deps, { intervalMs: deps.config.workerIntervalMs })
const retention = startRetentionWorker(deps)
const digests = startDigestWorker(deps, { intervalMs: deps.config.workerIntervalMs })
log.info(`Parley mail worker started (every ${deps.config.workerIntervalMs} ms, mailer: ${deps.mailer.name})`)
let stopping = false
// Finishes the messages in flight (each is marked sent or due again), then closes the database.
const stop = async (signal: NodeJS.Signals) => {
  if (stopping) return
  stopping = true
  log.info(`${signal}: stopping the mail worker after the messages in flight`)
  setTimeout(() => {
    log.error('the mail worker took longer than 15 s to stop; exiting now')
    process.exit(1)
  }, 15_000).unref()
  await digests.stop()
  await worker.stop()
  await retention.stop()
  await deps.mailer.close?.()
  await opened.close()
  log.info('stopped')
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
