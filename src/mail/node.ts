import type { Config } from '../config.js'
import type { Database } from '../db/index.js'
import type { Clock } from '../lib/clock.js'
import { systemClock } from '../lib/clock.js'
import type { Logger } from '../lib/log.js'
import { createDevMailbox } from './dev-mailbox.js'
import type { Mailer } from './mailer.js'
import { createSmtpMailer } from './smtp.js'

/** Where mail goes on Node: SMTP when SMTP_URL is set, else the dev mailbox. */
export function createNodeMailer(config: Config, db: Database, log: Logger, clock: Clock = systemClock): Mailer {
  if (config.smtpUrl) return createSmtpMailer({ url: config.smtpUrl })
  return createDevMailbox(db, log, clock)
}
