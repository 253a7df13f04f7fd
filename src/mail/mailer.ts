/** One email as the transport sends it. Templates and the outbox build these. */
export interface OutgoingMail {
  messageId: string
  from: string
  to: string
  replyTo?: string | null
  subject: string
  text: string
  html: string
  headers: Record<string, string>
}

/** The port every transport implements: SMTP (Node), the dev mailbox, HTTP (Workers), memory (tests). */
export interface Mailer {
  readonly name: string
  send(mail: OutgoingMail): Promise<void>
  close?(): Promise<void>
}

export class MemoryMailer implements Mailer {
  readonly name = 'memory'
  readonly sent: OutgoingMail[] = []
  async send(mail: OutgoingMail): Promise<void> {
    this.sent.push(mail)
  }
}
