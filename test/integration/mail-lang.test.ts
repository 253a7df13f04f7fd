// Issue 15, item 1: emails to a commenter speak the language of the page they commented on.
import { afterEach, describe, expect, it } from 'vitest'
import { createSmtpMailer } from '../../src/mail/smtp.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import type { SiteSettings } from '../../src/sites/settings.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { linksIn, moderate, postForm } from '../helpers/mail.js'
import { startSmtp, type Received } from '../helpers/smtp.js'

let t: TestContext | undefined
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await t?.close()
  t = undefined
})

async function setup(settings: Partial<SiteSettings>) {
  const smtp = await startSmtp()
  const mailer = createSmtpMailer({ url: smtp.url, timeoutMs: 2000 })
  cleanups.push(() => smtp.stop(), async () => mailer.close?.())
  t = await createTestContext({ settings, deps: { mailer } })
  return { smtp, t }
}

async function drain(ctx: TestContext) {
  for (let i = 0; i < 50; i++) if ((await deliverDue(ctx.deps, { limit: 20 })).claimed === 0) return
}

async function post(ctx: TestContext, body: Record<string, unknown>) {
  const res = await ctx.request('POST', '/api/comments', { json: body })
  expect([201, 202]).toContain(res.status)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}

const to = (r: Received) => r.envelopeTo.join(',')
const TITLE = 'The Trump administration is planning operations against the cartels in Mexico'

describe('the language of the emails to a commenter', () => {
  it('confirm, approved, reply and privacy emails go out over SMTP in the language of the page the comment was written on', async () => {
    const { smtp, t } = await setup({ moderationMode: 'pre', moderatorEmails: ['desk@news.example'] })
    // The widget on a Mexican page sends es-MX: Spanish it is.
    const ana = await post(t, newComment({ name: 'Ana', email: 'ana@example.org', notifyReplies: true, lang: 'es-MX' }))
    await drain(t)
    const confirm = smtp.received.find((r) => to(r) === 'ana@example.org')!
    expect(confirm.mail.subject).toBe('[News Example] Confirma tu dirección de correo electrónico')
    expect(confirm.mail.text).toContain('Hola, Ana:')
    expect(confirm.mail.text).toContain(`Has pedido que te avisemos de las respuestas a tu comentario en «${TITLE}».`)
    expect(confirm.mail.text).toContain('Darte de baja (deja de recibir todos los avisos de respuestas de News Example):')
    expect(confirm.mail.html).toContain('>Confirmar mi dirección</a>')
    expect(confirm.mail.text).not.toContain('Please confirm')
    // The moderators' email stays in English: it is theirs, not the commenter's.
    expect(smtp.received.find((r) => to(r) === 'desk@news.example')!.mail.subject).toContain('Please moderate')
    const confirmLink = linksIn(confirm.mail.text ?? '').find((u) => new URL(u).pathname === '/email/confirm')!
    expect((await postForm(t, confirmLink)).status).toBe(200)

    smtp.received.length = 0
    await moderate(t, [ana], 'approve')
    await drain(t)
    const approved = smtp.received.find((r) => to(r) === 'ana@example.org')!
    expect(approved.mail.subject).toBe(`[News Example] Tu comentario en «${TITLE}» se ha publicado`)
    expect(approved.mail.text).toContain('se ha aprobado y ya está publicado:')
    // The privacy link under it keeps the language for the privacy email.
    expect(approved.mail.text).toContain('Ver, descargar o borrar tus comentarios: http://parley.test/privacy?site=news&lang=es')

    // Ben writes in German; the reply email to Ana is in Ana's language.
    smtp.received.length = 0
    const ben = await post(t, newComment({ parentId: ana, name: 'Ben', email: 'ben@example.org', lang: 'de' }))
    await moderate(t, [ben], 'approve')
    await drain(t)
    const reply = smtp.received.find((r) => to(r) === 'ana@example.org')!
    expect(reply.mail.subject).toBe(`[News Example] Ben ha respondido a tu comentario en «${TITLE}»`)
    expect(reply.mail.text).toContain('Tu comentario:')
    expect(reply.mail.html).toContain('<strong>Ben</strong> ha respondido a tu comentario en <strong>')

    // The privacy email: in the language the request names (the page's).
    smtp.received.length = 0
    const res = await t.request('POST', '/api/privacy/requests', { json: { site: 'news', email: 'ana@example.org', lang: 'pt' } })
    expect(res.status).toBe(202)
    await drain(t)
    const privacy = smtp.received.find((r) => to(r) === 'ana@example.org')!
    expect(privacy.mail.subject).toBe('[News Example] Seus comentários e dados')
    expect(privacy.mail.text).toContain('Abra este link para vê-los')
  }, 180_000)

  it('stores the language the emails speak (es-MX → es, pt → pt-BR), null for none or an unknown one, and refuses a malformed tag', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const cases: [string | undefined, string | null][] = [
      ['es-MX', 'es'],
      ['pt', 'pt-BR'],
      ['pt-BR', 'pt-BR'],
      ['fr-CA', 'fr'],
      ['de_AT', 'de'],
      ['ja', null],
      [undefined, null],
    ]
    for (const [lang, stored] of cases) {
      const id = await post(t, newComment(lang === undefined ? {} : { lang }))
      const row = await t.deps.db.selectFrom('comments').select('lang').where('id', '=', id).executeTakeFirstOrThrow()
      expect(row.lang, String(lang)).toBe(stored)
    }
    const before = await t.deps.db.selectFrom('comments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    for (const lang of ['<script>', 'e', 'x'.repeat(40), 42]) {
      const res = await t.request('POST', '/api/comments', { json: newComment({ lang }) })
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: { code: string; fields: { path: string }[] } }
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.fields.map((f) => f.path)).toEqual(['lang'])
    }
    const after = await t.deps.db.selectFrom('comments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('without a language, the emails stay in English', async () => {
    const { smtp, t } = await setup({ moderationMode: 'post' })
    await post(t, newComment({ name: 'Eve', email: 'eve@example.org', notifyReplies: true }))
    await drain(t)
    expect(smtp.received.find((r) => to(r) === 'eve@example.org')!.mail.subject).toBe('[News Example] Please confirm your email address')
  })
})
