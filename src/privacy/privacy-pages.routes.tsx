import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { sameOriginOnly } from '../auth/session.js'
import type { AppEnv } from '../deps.js'
import { emailLang } from '../../emails/i18n.js'
import { AppError } from '../errors.js'
import { getSite, siteIdSchema } from '../sites/site.service.js'
import { EraseConfirmPage, ErasedPage, ManagePage, MessagePage, PRIVACY_PAGE_HEADERS, RequestPage, RequestSentPage } from './pages.js'
import { erasePrivacyData, exportPrivacyData, followsOf, privacyEmailSchema, privacySubject, requestPrivacyLink, stopAllEmails, stopFollow } from './privacy.service.js'

type C = Context<AppEnv>
type Status = 200 | 400 | 404 | 410 | 413 | 429

function headers(c: C) {
  for (const [k, v] of Object.entries(PRIVACY_PAGE_HEADERS)) c.header(k, v)
}

async function formField(c: C, name: string): Promise<string | undefined> {
  try {
    const v = (await c.req.parseBody())[name]
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

/** The token: a form field (the buttons), or the query string (the emailed link). */
async function tokenOf(c: C): Promise<string | undefined> {
  return (c.req.method === 'POST' ? await formField(c, 'token') : undefined) ?? c.req.query('token')
}

/** A bad or spent link: the error as a page, nothing changed. */
function linkError(c: C, err: unknown) {
  if (err instanceof AppError && (err.code === 'invalid_token' || err.code === 'token_used' || err.code === 'not_found')) {
    const used = err.code === 'token_used'
    return c.html(
      <MessagePage
        title={used ? 'Already erased' : 'This link does not work'}
        message={used ? 'Everything this link showed has already been erased. Nothing else was changed.' : `${err.message} Nothing was changed.`}
        bad={!used}
      />,
      err.status as Status,
    )
  }
  throw err
}

/**
 * The reader's privacy pages (no account, no script): `/privacy?site=` asks for a link by email,
 * `/privacy/manage?token=` is the emailed link (GET shows, never changes), and its buttons POST
 * to `/privacy/manage/download|unsubscribe|erase` (erase asks to confirm first).
 */
export const privacyPageRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next()
    headers(c)
  })
  .use('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.html(<MessagePage title="Too large" message="The form is too large." bad />, 413) }))
  // A page on another site cannot post these forms for a visitor.
  .use('*', sameOriginOnly())
  .get('/', async (c) => {
    const id = c.req.query('site') ?? ''
    const site = siteIdSchema.safeParse(id).success ? await getSite(c.var.deps.db, id) : undefined
    if (!site) return c.html(<MessagePage title="No such site" message="This privacy page needs the site you commented on: follow the link under its comment form or in one of its emails." bad />, 404)
    return c.html(<RequestPage site={site} lang={emailLang(c.req.query('lang'))} />)
  })
  .post('/', async (c) => {
    const deps = c.var.deps
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const id = typeof body.site === 'string' ? body.site : ''
    const site = siteIdSchema.safeParse(id).success ? await getSite(deps.db, id) : undefined
    if (!site) return c.html(<MessagePage title="No such site" message="This privacy page needs the site you commented on." bad />, 404)
    const email = privacyEmailSchema.safeParse(typeof body.email === 'string' ? body.email : '')
    // The language of the page the reader came from (the widget's link): the email speaks it.
    const lang = emailLang(typeof body.lang === 'string' ? body.lang : null)
    if (!email.success) return c.html(<RequestPage site={site} lang={lang} error={`The email address ${email.error.issues[0]?.message ?? 'is not valid'}.`} />, 400)
    try {
      await requestPrivacyLink(deps, site, email.data, deps.clientIp(c), lang)
    } catch (err) {
      if (err instanceof AppError && err.code === 'rate_limited') {
        for (const [k, v] of Object.entries(err.extra.headers ?? {})) c.header(k, v)
        return c.html(<MessagePage title="Too many requests" siteName={site.name} message="Too many requests from your network. Try again in an hour." bad />, 429)
      }
      throw err
    }
    return c.html(<RequestSentPage site={site} />)
  })
  .get('/manage', async (c) => {
    const deps = c.var.deps
    const token = await tokenOf(c)
    try {
      const { subject, site } = await privacySubject(deps, token)
      const data = await exportPrivacyData(deps, site.id, subject.key)
      return c.html(<ManagePage siteName={site.name} data={data} token={token!} follows={await followsOf(deps, site.id, subject.key)} />)
    } catch (err) {
      return linkError(c, err)
    }
  })
  .post('/manage/download', async (c) => {
    const deps = c.var.deps
    try {
      const { subject, site } = await privacySubject(deps, await tokenOf(c))
      const data = await exportPrivacyData(deps, site.id, subject.key)
      c.header('Content-Disposition', `attachment; filename="${site.id}-my-comments.json"`)
      return c.body(JSON.stringify(data, null, 2), 200, { 'Content-Type': 'application/json; charset=utf-8' })
    } catch (err) {
      return linkError(c, err)
    }
  })
  .post('/manage/unsubscribe', async (c) => {
    const deps = c.var.deps
    const token = await tokenOf(c)
    try {
      const { subject, site } = await privacySubject(deps, token)
      const { ended } = await stopAllEmails(deps, site.id, subject.key)
      const data = await exportPrivacyData(deps, site.id, subject.key)
      const flash = ended ? `All emails from ${site.name} to this address have stopped.` : `No emails were on: ${site.name} sends this address nothing.`
      return c.html(<ManagePage siteName={site.name} data={data} token={token!} flash={flash} follows={await followsOf(deps, site.id, subject.key)} />)
    } catch (err) {
      return linkError(c, err)
    }
  })
  // One followed article's "Stop these emails" (issue 15); only a follow of the link's address.
  .post('/manage/unfollow', async (c) => {
    const deps = c.var.deps
    const token = await tokenOf(c)
    try {
      const { subject, site } = await privacySubject(deps, token)
      const stopped = await stopFollow(deps, site.id, subject.key, (await formField(c, 'follow')) ?? '')
      const data = await exportPrivacyData(deps, site.id, subject.key)
      const follows = await followsOf(deps, site.id, subject.key)
      if (!stopped)
        return c.html(<ManagePage siteName={site.name} data={data} token={token!} follows={follows} flash="This address does not follow that article. Nothing was changed." />, 404)
      return c.html(<ManagePage siteName={site.name} data={data} token={token!} follows={follows} flash={`You will not get emails about “${stopped.title}” any more.`} />)
    } catch (err) {
      return linkError(c, err)
    }
  })
  .post('/manage/erase', async (c) => {
    const deps = c.var.deps
    const token = await tokenOf(c)
    try {
      const { subject, site } = await privacySubject(deps, token)
      if ((await formField(c, 'confirm')) !== 'yes') {
        const data = await exportPrivacyData(deps, site.id, subject.key)
        return c.html(<EraseConfirmPage siteName={site.name} token={token!} comments={data.comments.length} />)
      }
      const r = await erasePrivacyData(deps, { siteId: site.id, emailKey: subject.key, actor: null, via: 'link' })
      return c.html(<ErasedPage siteName={site.name} erased={r.erased} tombstoned={r.tombstoned} />)
    } catch (err) {
      return linkError(c, err)
    }
  })
