import type { Mailer, OutgoingMail } from './mailer.js'

/** A send the provider refused; `permanent` when retrying the same request cannot help. */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly permanent: boolean,
  ) {
    super(message)
    this.name = 'MailSendError'
  }
}

export interface HttpMailerOptions {
  /** The provider's "send one email" endpoint, e.g. https://api.resend.com/emails */
  url: string
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string | undefined
  timeoutMs?: number
  fetch?: typeof fetch
}

/** The JSON body: Resend's `POST /emails` shape, which several other providers also accept. */
export function httpMailBody(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: [mail.to],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(mail.replyTo ? { reply_to: mail.replyTo } : {}),
    headers: mail.headers,
  }
}

const EMAIL = /[^\s"'<>@,;:]+@[^\s"'<>@,;:]+/g

/**
 * Sends each email as one HTTPS request to a JSON email API (no sockets needed, so it runs
 * on Cloudflare Workers where SMTP cannot). The message id goes out as `Idempotency-Key`, so a
 * retry after a lost answer does not send twice on providers that honour it.
 */
export function createHttpMailer(opts: HttpMailerOptions): Mailer {
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init))
  const timeoutMs = opts.timeoutMs ?? 10_000
  return {
    name: 'http',
    async send(mail: OutgoingMail) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': mail.messageId,
      }
      if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`
      let res: Response
      try {
        res = await doFetch(opts.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(httpMailBody(mail)),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (err) {
        throw new MailSendError(`mail API unreachable: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? err}`, null, false)
      }
      if (res.ok) {
        await res.body?.cancel()
        return
      }
      // The provider's reason, short and without any address in it (it goes to the logs).
      const reason = (await res.text().catch(() => '')).replace(EMAIL, '…').replace(/\s+/g, ' ').slice(0, 200)
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
      throw new MailSendError(`mail API answered ${res.status}${reason ? `: ${reason}` : ''}`, res.status, permanent)
    },
  }
}
