import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpMailer, MailSendError } from '../../src/mail/http.js'
import type { OutgoingMail } from '../../src/mail/mailer.js'

interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: unknown
}

/** A local stand-in for a JSON email API: records requests, answers what the test queues. */
let server: Server
let base: string
const received: Received[] = []
const answers: { status: number; body: string }[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: raw ? JSON.parse(raw) : null })
      const a = answers.shift() ?? { status: 200, body: '{"id":"msg_1"}' }
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const mail: OutgoingMail = {
  messageId: '<c1.reply@parley.test>',
  from: 'Parley <parley@news.example>',
  to: 'ann@example.org',
  replyTo: 'desk@news.example',
  subject: 'New reply to your comment',
  text: 'Bob replied.',
  html: '<p>Bob replied.</p>',
  headers: { 'List-Unsubscribe': '<https://parley.test/email/unsubscribe?token=t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
}

describe('HTTP mail transport', () => {
  it('POSTs the email as JSON with the bearer key and the message id as idempotency key', async () => {
    received.length = 0
    await createHttpMailer({ url: `${base}/emails`, apiKey: 're_test_key' }).send(mail)
    expect(received).toHaveLength(1)
    const r = received[0]!
    expect(r.method).toBe('POST')
    expect(r.url).toBe('/emails')
    expect(r.headers.authorization).toBe('Bearer re_test_key')
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.headers['idempotency-key']).toBe(mail.messageId)
    expect(r.body).toEqual({
      from: mail.from,
      to: [mail.to],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      reply_to: 'desk@news.example',
      headers: mail.headers,
    })
  })

  it('sends no Authorization header without a key, and no reply_to without a Reply-To', async () => {
    received.length = 0
    await createHttpMailer({ url: `${base}/emails` }).send({ ...mail, replyTo: null })
    expect(received[0]!.headers.authorization).toBeUndefined()
    expect(received[0]!.body).not.toHaveProperty('reply_to')
  })

  it('throws a permanent error on a 4xx refusal, without the address in the message', async () => {
    answers.push({ status: 422, body: '{"message":"Invalid `to` field: ann@example.org"}' })
    const err = await createHttpMailer({ url: `${base}/emails`, apiKey: 'k' }).send(mail).catch((e) => e)
    expect(err).toBeInstanceOf(MailSendError)
    expect(err.status).toBe(422)
    expect(err.permanent).toBe(true)
    expect(err.message).toContain('422')
    expect(err.message).not.toContain('ann@example.org')
  })

  it('throws a retryable error on 5xx and 429', async () => {
    answers.push({ status: 503, body: 'down' }, { status: 429, body: '{"message":"slow down"}' })
    const m = createHttpMailer({ url: `${base}/emails`, apiKey: 'k' })
    const e1 = await m.send(mail).catch((e) => e)
    const e2 = await m.send(mail).catch((e) => e)
    expect([e1.status, e1.permanent, e2.status, e2.permanent]).toEqual([503, false, 429, false])
  })

  it('throws a retryable error when the API is unreachable', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const err = await createHttpMailer({ url: `http://127.0.0.1:${port}/emails` }).send(mail).catch((e) => e)
    expect(err).toBeInstanceOf(MailSendError)
    expect(err.status).toBeNull()
    expect(err.permanent).toBe(false)
  })
})
