// Emails delivered per second by one outbox worker to a local SMTP server (target ≥ 200/s).
// Self-contained: `tsx bench/mail.ts`, or `benchMail()` from bench/run.ts. PostgreSQL when
// DATABASE_URL is set (in a scratch schema, dropped after), else in-memory PGlite.
import { sql } from 'kysely'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { reply } from '../emails/index.js'
import { nodePasswordHasher } from '../src/auth/passwords.node.js'
import { loadConfig } from '../src/config.js'
import { migrateToLatest } from '../src/db/index.js'
import { openDatabase } from '../src/db/node.js'
import type { Deps } from '../src/deps.js'
import { systemClock } from '../src/lib/clock.js'
import { silentLogger } from '../src/lib/log.js'
import { createSmtpMailer } from '../src/mail/smtp.js'
import { deliverDue, enqueueMail } from '../src/notifications/outbox.js'
import { createKeyring } from '../src/privacy/keys.js'
import { addSite } from '../src/sites/site.service.js'

export async function benchMail(opts: { count?: number; batch?: number; concurrency?: number; connections?: number } = {}): Promise<{
  perSecond: number
  count: number
  ms: number
  database: string
}> {
  const count = opts.count ?? 1000
  let received = 0
  const smtp = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, cb) {
      stream.on('data', () => {})
      stream.on('end', () => {
        received++
        cb()
      })
    },
  })
  const port = await new Promise<number>((resolve) => smtp.listen(0, '127.0.0.1', function (this: import('node:net').Server) {
    resolve((this.address() as AddressInfo).port)
  }))

  const url = process.env.DATABASE_URL
  const schema = `bench_mail_${Date.now().toString(36)}`
  if (url) {
    const admin = await openDatabase({ databaseUrl: url, max: 1 })
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await admin.close()
  }
  const opened = await openDatabase(url ? { databaseUrl: url, searchPath: schema, max: 10 } : { dataDir: 'memory://' })
  const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, maxConnections: opts.connections ?? 5 })
  try {
    await migrateToLatest(opened.db)
    const secret = 'bench-secret-0123456789-0123456789-abcdef'
    const config = loadConfig({ NODE_ENV: 'test', SECRET: secret, PUBLIC_URL: 'http://parley.bench' })
    const deps: Deps = {
      db: opened.db,
      config: { ...config, secret },
      clock: systemClock,
      keys: await createKeyring(secret),
      mailer,
      log: silentLogger,
      passwords: nodePasswordHasher(),
      clientIp: () => null,
    }
    await addSite(opened.db, { id: 'bench', name: 'Bench News', origins: ['https://bench.example'] }, new Date())
    await opened.db.transaction().execute(async (trx) => {
      for (let i = 0; i < count; i++) {
        const m = reply({
          siteName: 'Bench News',
          threadTitle: 'An article under load',
          recipientName: `Reader ${i}`,
          replyAuthorName: `Replier ${i}`,
          parentText: 'The original comment, a sentence or two long, as most are.',
          replyText: `Reply number ${i}: a paragraph of text that someone wrote in answer, with <b>markup</b> to escape.`,
          commentUrl: `https://bench.example/article#comment-${i}`,
          unsubscribeUrl: `http://parley.bench/email/unsubscribe?token=${'x'.repeat(120)}`,
        })
        await enqueueMail(trx, deps, { kind: 'reply', siteId: 'bench', to: `reader${i}@example.org`, ...m })
      }
    })
    const started = performance.now()
    for (;;) {
      const r = await deliverDue(deps, { limit: opts.batch ?? 100, concurrency: opts.concurrency ?? 10 })
      if (r.claimed === 0) break
    }
    const ms = performance.now() - started
    if (received !== count) throw new Error(`the SMTP server received ${received} of ${count} emails`)
    return { perSecond: count / (ms / 1000), count, ms, database: url ? 'PostgreSQL' : 'PGlite' }
  } finally {
    await mailer.close?.()
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    await opened.close()
    if (url) {
      const admin = await openDatabase({ databaseUrl: url, max: 1 })
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchMail()
  console.log(`emails delivered per second by one worker (${r.database}, ${r.count} emails to a local SMTP server): ${r.perSecond.toFixed(0)}/s ${r.perSecond >= 200 ? '✓' : '✗'} (target ≥ 200/s)`)
}
