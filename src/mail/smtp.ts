import nodemailer from 'nodemailer'
import type { Mailer, OutgoingMail } from './mailer.js'

/**
 * SMTP through a pooled nodemailer transport (Node only: it needs raw TCP). Retries belong
 * to the outbox, so a message whose connection drops is not requeued here.
 */
export function createSmtpMailer(opts: { url: string; maxConnections?: number; timeoutMs?: number }): Mailer {
  const timeout = opts.timeoutMs ?? 15_000
  const transport = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: 500,
    maxRequeues: 0,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 4,
  })
  return {
    name: 'smtp',
    async send(mail: OutgoingMail) {
      await transport.sendMail({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // Set by hand: nodemailer's `list` option writes a malformed List-Unsubscribe-Post.
        headers: mail.headers,
      })
    },
    async close() {
      transport.close()
    },
  }
}
