// A local SMTP server in its own process for bench/mail.ts: accepts everything, counts it.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

let received = 0
const server = new SMTPServer({
  disabledCommands: ['AUTH', 'STARTTLS'],
  authOptional: true,
  logger: false,
  closeTimeout: 200,
  maxClients: 100,
  onData(stream, _session, cb) {
    stream.on('data', () => {})
    stream.on('end', () => {
      received++
      cb()
    })
  },
})
server.listen(0, '127.0.0.1', function (this: import('node:net').Server) {
  process.send!({ port: (this.address() as AddressInfo).port })
})
process.on('message', (msg: { count?: boolean; stop?: boolean }) => {
  if (msg.count) process.send!({ received })
  if (msg.stop) server.close(() => process.exit(0))
})
