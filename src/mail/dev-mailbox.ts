import { jsonb, type Database } from '../db/index.js'
import type { Clock } from '../lib/clock.js'
import type { Logger } from '../lib/log.js'
import type { Mailer, OutgoingMail } from './mailer.js'

export const DEV_MAILBOX = 'dev-mailbox'

/** Only the domain of an address: what a log line may carry. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@')
  return at >= 0 ? '…@' + address.slice(at + 1).replace(/[>\s].*$/, '') : '…'
}

/**
 * Keeps mail in the database instead of sending it (no SMTP_URL): readable at /dev/mail,
 * and one log line per message that names the recipient's domain only.
 */
export function createDevMailbox(db: Database, log: Logger, clock: Clock): Mailer {
  return {
    name: DEV_MAILBOX,
    async send(mail: OutgoingMail) {
      const row = await db
        .insertInto('dev_mailbox')
        .values({
          message_id: mail.messageId,
          from_address: mail.from,
          to_address: mail.to,
          reply_to: mail.replyTo ?? null,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          headers: jsonb(mail.headers),
          created_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      log.info('mail kept in the dev mailbox', { id: String(row.id), to: maskAddress(mail.to), subject: mail.subject })
    },
  }
}
