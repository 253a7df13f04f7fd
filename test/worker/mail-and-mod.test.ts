import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portablePasswordHasher } from '../../src/auth/passwords.js'
import { createUser } from '../../src/auth/user.service.js'
import { addSite } from '../../src/sites/site.service.js'
import { startWorkerHarness, type WorkerHarness } from './harness.js'
import { requirePostgres, skipWithoutPostgres } from '../helpers/require.js'

const NEWS = 'https://news.example'
const DESK = 'desk@news.example'
const MAIL_KEY = 'mail-api-test-key'

interface Sent {
  auth: string | undefined
  idempotencyKey: string | undefined
  body: { from: string; to: string[]; subject: string; text: string; html: string; headers: Record<string, string> }
}

/** A local JSON email API the worker posts to; `down()` makes it unreachable, `up()` brings it back. */
function mailSink() {
  const sent: Sent[] = []
  let server: Server | undefined
  let port = 0
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        let raw = ''
        req.on('data', (c) => (raw += c))
        req.on('end', () => {
          sent.push({ auth: req.headers.authorization, idempotencyKey: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(raw) })
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ok"}')
        })
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port
        resolve()
      })
    })
  const down = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  return { sent, up, down, url: () => `http://127.0.0.1:${port}/emails` }
}

let h: WorkerHarness
const sink = mailSink()
let n = 0

async function request(method: string, path: string, opts: { json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': `198.51.100.${(n++ % 250) + 1}`, ...opts.headers }
  if (opts.json !== undefined) headers['content-type'] = 'application/json'
  return fetch(new URL(path, h.url), {
    method,
    headers,
    redirect: 'manual',
    ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
  })
}

function comment(over: Record<string, unknown>) {
  n++
  return { uri: '/2026/11/cartels', title: 'Cartels', body: `Comment ${n} from the edge.`, name: `Reader ${n}`, email: `reader${n}@example.org`, ...over }
}

/** The Cron Trigger, as wrangler runs it locally. */
async function cron() {
  const res = await fetch(new URL('/cdn-cgi/handler/scheduled?cron=*+*+*+*+*', h.url))
  expect(res.status).toBe(200)
}

/** A link from an email, pointed at the local worker (PUBLIC_URL names a host that does not resolve). */
function local(link: string): string {
  const u = new URL(link)
  return u.pathname + u.search
}

describe.skipIf(skipWithoutPostgres('email and moderation in workerd'))('email from the cron trigger and moderation, in workerd', () => {
  beforeAll(async () => {
    await sink.up()
    h = await startWorkerHarness(requirePostgres('The Workers suite'), {
      // Not production: the test's sink speaks plain http (production insists on https).
      NODE_ENV: 'test',
      PUBLIC_URL: 'http://parley.test',
      MAIL_API_URL: sink.url(),
      MAIL_API_KEY: MAIL_KEY,
      MAIL_FROM: 'Parley <parley@news.example>',
    })
    const now = new Date()
    await addSite(h.db, { id: 'held', name: 'Held News', origins: [NEWS], settings: { moderatorEmails: [DESK] } }, now)
    await addSite(h.db, { id: 'open', name: 'Open News', origins: [NEWS], settings: { moderationMode: 'post' } }, now)
    await createUser(h.db, portablePasswordHasher(), { email: 'mod@news.example', password: 'correct horse battery', role: 'admin', sites: null }, now)
  })
  afterAll(async () => {
    await h?.close()
    await sink.down()
  })

  it('delivers the held-comment email to the moderators through the HTTP transport; requests never wait for it', async () => {
    const res = await request('POST', '/api/comments', { json: comment({ site: 'held' }) })
    expect(res.status).toBe(202)
    expect(sink.sent).toHaveLength(0)
    const queued = await h.db.selectFrom('email_outbox').select(['kind', 'status']).execute()
    expect(queued).toEqual([{ kind: 'moderation_needed', status: 'pending' }])

    await cron()
    expect(sink.sent).toHaveLength(1)
    const mail = sink.sent[0]!
    expect(mail.auth).toBe(`Bearer ${MAIL_KEY}`)
    expect(mail.idempotencyKey).toMatch(/^<.+>$/)
    expect(mail.body.to).toEqual([DESK])
    expect(mail.body.from).toBe('Parley <parley@news.example>')
    expect(mail.body.text).toContain('/email/moderate?token=')
    const rows = await h.db.selectFrom('email_outbox').select(['status', 'attempts']).execute()
    expect(rows).toEqual([{ status: 'sent', attempts: 1 }])
  })

  it('confirms an address from the emailed link and delivers the reply email', async () => {
    sink.sent.length = 0
    const parent = await (await request('POST', '/api/comments', { json: comment({ site: 'open', notifyReplies: true, email: 'ann@example.org', name: 'Ann' }) })).json()
    expect(parent.comment.status).toBe('approved')
    await cron()
    const confirm = sink.sent.find((m) => m.body.to[0] === 'ann@example.org')
    expect(confirm?.body.headers['List-Unsubscribe']).toBeTruthy()
    const link = /https?:\/\/\S+\/email\/confirm\?token=[^\s"<>]+/.exec(confirm!.body.text)![0]
    const confirmed = await request('POST', local(link))
    expect(confirmed.status).toBe(200)

    sink.sent.length = 0
    const reply = await request('POST', '/api/comments', { json: comment({ site: 'open', parentId: parent.comment.id, name: 'Bob' }) })
    expect(reply.status).toBe(201)
    await cron()
    const replyMail = sink.sent.find((m) => m.body.to[0] === 'ann@example.org')
    expect(replyMail).toBeDefined()
    expect(replyMail!.body.text).toContain('Bob')
  })

  it('leaves the email in the outbox when the mail API is unreachable, and sends it on a later run', async () => {
    await sink.down()
    sink.sent.length = 0
    await request('POST', '/api/comments', { json: comment({ site: 'held' }) })
    await cron()
    const [row] = await h.db.selectFrom('email_outbox').selectAll().where('status', '!=', 'sent').execute()
    expect(row).toMatchObject({ kind: 'moderation_needed', status: 'pending', attempts: 1 })
    expect(row!.last_error).toMatch(/unreachable/)
    expect(new Date(row!.next_attempt_at).getTime()).toBeGreaterThan(Date.now())

    // The backoff elapses; the API is back.
    await sink.up()
    await h.db.updateTable('email_outbox').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('id', '=', row!.id).execute()
    await cron()
    expect(sink.sent.map((m) => m.body.to[0])).toEqual([DESK])
    const after = await h.db.selectFrom('email_outbox').select(['status', 'attempts']).where('id', '=', row!.id).executeTakeFirstOrThrow()
    expect(after).toEqual({ status: 'sent', attempts: 2 })
  })

  it('lets a moderator sign in (pure-JS argon2id) and approve a held comment', async () => {
    const held = await (await request('POST', '/api/comments', { json: comment({ site: 'held', uri: '/approve-me' }) })).json()
    expect(held.comment.status).toBe('pending')

    const wrong = await request('POST', '/api/auth/login', { json: { email: 'mod@news.example', password: 'wrong password!' } })
    expect(wrong.status).toBe(401)
    const login = await request('POST', '/api/auth/login', { json: { email: 'mod@news.example', password: 'correct horse battery' } })
    expect(login.status).toBe(200)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    expect(cookie).toMatch(/=/)

    const approve = await request('POST', `/api/mod/comments/${held.comment.id}/actions`, { json: { action: 'approve' }, headers: { cookie } })
    expect(approve.status).toBe(200)
    const list = await (await request('GET', '/api/comments?site=held&uri=/approve-me')).json()
    expect(list.comments.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[held.comment.id, 'approved']])
  })
})
