import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'

export interface Received {
  envelopeTo: string[]
  mail: ParsedMail
  /** Raw header lines by lower-case name: what was on the wire. */
  header(name: string): string | undefined
}

/**
 * A real SMTP server on a free local port that keeps what it receives. `refuse()` makes it
 * answer every new connection with an error; `stop()` / `start()` take it off the port and back.
 */
export async function startSmtp(opts: { delayMs?: number } = {}) {
  const received: Received[] = []
  let refusing = false
  let port = 0
  let server: SMTPServer
  const make = () =>
    new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      closeTimeout: 200,
      maxClients: 100,
      onConnect(_session, cb) {
        if (refusing) return cb(Object.assign(new Error('Service not available, try later'), { responseCode: 421 }))
        cb()
      },
      // Refuses on connections that were open before, too (pooled clients keep theirs).
      onMailFrom(_address, _session, cb) {
        if (refusing) return cb(Object.assign(new Error('Service not available, try later'), { responseCode: 421 }))
        cb()
      },
      onData(stream, session, cb) {
        simpleParser(stream)
          // A slow relay, when asked: each message takes delayMs before it is accepted.
          .then((mail) => (opts.delayMs ? new Promise<typeof mail>((r) => setTimeout(() => r(mail), opts.delayMs)) : mail))
          .then((mail) => {
            received.push({
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              mail,
              header: (name) => mail.headerLines.find((h) => h.key === name.toLowerCase())?.line,
            })
            cb()
          })
          .catch(cb)
      },
    })
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = make()
      server.on('error', () => {})
      const s = (server as unknown as { server: import('node:net').Server }).server
      s.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port
        resolve()
      })
    })
  await listen()
  return {
    received,
    get port() {
      return port
    },
    get url() {
      return `smtp://127.0.0.1:${port}`
    },
    refuse(on = true) {
      refusing = on
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    start: listen,
  }
}
