import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Role } from '../../db/schema.js'
import {
  changeModeratorRole,
  inviteModerator,
  inviteSchema,
  listSiteModerators,
  removeModerator,
  setPasswordWithToken,
  userForPasswordToken,
} from '../auth/invite.service.js'
import { blankSessionCookie, createSession, invalidateSessionToken, sameOriginOnly, sessionTokenFrom } from '../auth/session.js'
import { verifyLogin } from '../auth/user.service.js'
import { toDate } from '../db/index.js'
import type { AppEnv, Deps, ModeratorIdentity } from '../deps.js'
import { AppError, errorResponse, forbidden, notFound } from '../errors.js'
import { assertAdmin, assertSiteAccess, canAccessSite, siteScope } from '../moderation/access.js'
import { applyModerationAction } from '../moderation/actions.service.js'
import { auditQuerySchema, listAudit } from '../moderation/audit.service.js'
import { createBan, createBanSchema, listBans, removeBan } from '../moderation/bans.service.js'
import { countQueues, QUEUES, type Queue } from '../moderation/queue.repository.js'
import { listQueue, modCommentsByIds, queueQuerySchema } from '../moderation/queue.service.js'
import { MODERATION_ACTIONS, type ModerationAction } from '../moderation/transitions.js'
import { siteSettingsPatchSchema } from '../sites/settings.js'
import {
  addAuthor,
  authorHandleSchema,
  createAuthorSchema,
  editAuthor,
  getSiteSettings,
  listAuthors,
  patchSiteSettings,
  removeAuthor,
  updateAuthorSchema,
} from '../sites/site-admin.service.js'
import { readSettings } from '../sites/settings.js'
import { listSites, requireSite, siteIdSchema, type Site } from '../sites/site.service.js'
import { listThreads, patchThread, threadsQuerySchema, type ModThread } from '../threads/thread-admin.service.js'
import { findThreadById } from '../threads/thread.repository.js'
import { MOD_JS } from './client.js'
import { type Flash } from './layout.js'
import { findCommentStatuses, findThreadCommentIdsInOrder } from './modui.repository.js'
import { AuditPage, BanPage, BansPage, CommentPage, ErrorPage, LoginPage, SetPasswordPage, ThreadPage, ThreadsPage } from './pages.js'
import { QueuePageView, type QueueView } from './queue.js'
import { SettingsPage } from './settings.js'
import { MOD_CSS } from './styles.js'

/**
 * The moderator web UI at /mod: server-rendered pages (Hono JSX) where every action is a plain
 * form post that redirects back; /mod/assets/mod.js adds the fast path (fetch, keyboard, undo).
 * Services are called directly. State-changing requests must come from our own origin
 * (Origin / Sec-Fetch-Site, as the API) and the session cookie is SameSite=Lax.
 */

const FLASH_COOKIE = 'parley_flash'
const PUBLIC_PATHS = new Set(['/mod/login', '/mod/set-password'])
const idSchema = z.string().regex(/^[a-z0-9]{1,64}$/)
const THREAD_PAGE_LIMIT = 500

type C = Context<AppEnv>
type Body = Record<string, string | File | (string | File)[]>

const me = (c: C): ModeratorIdentity => c.var.moderator!
const wantsJson = (c: C) => (c.req.header('accept') ?? '').includes('application/json')

function str(body: Body, key: string): string {
  const v = body[key]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : ''
}
function all(body: Body, key: string): string[] {
  const v = body[key]
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string')
}
const listLines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)

/** Only paths inside the UI: never an open redirect. */
function safeReturn(value: string | undefined, fallback = '/mod/queue'): string {
  return value && /^\/mod(\/|\?|$)/.test(value) && !value.startsWith('//') && !/[\\\r\n]/.test(value) ? value : fallback
}

function setFlash(c: C, flash: Flash) {
  setCookie(c, FLASH_COOKIE, JSON.stringify(flash), {
    path: '/mod',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.deps.config.publicUrl.startsWith('https:'),
    maxAge: 120,
  })
}
function takeFlash(c: C): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE)
  if (!raw) return null
  deleteCookie(c, FLASH_COOKIE, { path: '/mod' })
  try {
    const f = JSON.parse(raw) as Flash
    return f && typeof f.text === 'string' && (f.kind === 'ok' || f.kind === 'bad')
      ? { kind: f.kind, text: f.text.slice(0, 500), ...(typeof f.link === 'string' ? { link: f.link.slice(0, 1000) } : {}) }
      : null
  } catch {
    return null
  }
}
function back(c: C, to: string, flash: Flash) {
  setFlash(c, flash)
  return c.redirect(to, 303)
}

/** The sites this moderator works on, with their settings. */
async function mySites(deps: Deps, m: ModeratorIdentity): Promise<Site[]> {
  const rows = await listSites(deps.db)
  return rows
    .filter((r) => canAccessSite(m, r.id))
    .map((r) => ({ id: r.id, name: r.name, settings: readSettings(r.settings), storedSettings: r.settings }))
}
const adminSite = (m: ModeratorIdentity, sites: Site[], preferred?: string | null) =>
  m.role !== 'admin' ? null : (sites.find((s) => s.id === preferred) ?? sites[0])?.id ?? null

function fieldErrors(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of err.issues) {
    const k = String(issue.path[0] ?? 'form')
    out[k] ??= issue.message
  }
  return out
}

const PAST: Record<ModerationAction, string> = { approve: 'Approved', reject: 'Rejected', spam: 'Marked as spam', restore: 'Moved back to pending', delete: 'Deleted' }
const plural = (n: number) => (n === 1 ? '1 comment' : `${n} comments`)

async function scopedCounts(c: C, body: Body): Promise<Record<Queue, number> | null> {
  try {
    const site = str(body, 'site') || undefined
    const thread = str(body, 'thread') || undefined
    const q = str(body, 'q') || undefined
    let sites = siteScope(me(c), site)
    if (thread) {
      const t = await findThreadById(c.var.deps.db, thread)
      if (!t) return null
      assertSiteAccess(me(c), t.site_id)
      sites = [t.site_id]
    }
    return await countQueues(c.var.deps.db, { sites, threadId: thread, q })
  } catch {
    return null
  }
}

/** Applies moderation changes in one transaction and reports each comment's before and after. */
async function moderate(c: C, steps: { ids: string[]; action: ModerationAction; reason?: string | null; via?: string }[]) {
  const deps = c.var.deps
  const m = me(c)
  const ids = [...new Set(steps.flatMap((s) => s.ids))]
  return deps.db.transaction().execute(async (trx) => {
    const before = await findCommentStatuses(trx, ids)
    const after = new Map<string, string>()
    for (const s of steps) {
      if (!s.ids.length) continue
      const rows = await applyModerationAction(trx, deps, {
        ids: s.ids,
        action: s.action,
        actor: { id: m.id, email: m.email, sites: m.sites },
        reason: s.reason || null,
        ...(s.via ? { via: s.via } : {}),
      })
      for (const r of rows) after.set(r.id, r.status)
    }
    return ids.filter((id) => after.has(id)).map((id) => ({ id, from: before.get(id)!, to: after.get(id)! }))
  })
}

function toThreadView(t: NonNullable<Awaited<ReturnType<typeof findThreadById>>>, statuses: string[]): ModThread {
  const n = (s: string) => statuses.filter((x) => x === s).length
  const authors = typeof t.authors === 'string' ? (JSON.parse(t.authors) as string[]) : (t.authors ?? [])
  return {
    id: t.id,
    site: t.site_id,
    uri: t.uri,
    title: t.title,
    authors,
    closed: t.closed,
    commentCount: t.comment_count,
    counts: { pending: n('pending'), approved: n('approved'), rejected: n('rejected'), spam: n('spam'), deleted: n('deleted') },
    createdAt: toDate(t.created_at).toISOString(),
  }
}

async function renderSettings(c: C, siteId: string, opts: { values?: Record<string, unknown>; errors?: Record<string, string>; status?: 200 | 400 } = {}) {
  const deps = c.var.deps
  const m = me(c)
  assertAdmin(m, siteId)
  const site = await requireSite(deps.db, siteId)
  const [sites, moderators, authors] = await Promise.all([mySites(deps, m), listSiteModerators(deps, m, siteId), listAuthors(deps, m, siteId)])
  return c.html(
    <SettingsPage
      m={m}
      site={site}
      adminSites={sites}
      values={opts.values ?? site.settings}
      errors={opts.errors ?? {}}
      moderators={moderators}
      authors={authors}
      publicUrl={deps.config.publicUrl}
      flash={takeFlash(c)}
    />,
    opts.status ?? 200,
  )
}

/** Form fields → a settings patch (validated by the API's own schema afterwards). */
function settingsFromForm(body: Body): Record<string, unknown> {
  const int = (k: string) => {
    const v = str(body, k).trim()
    return v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : v
  }
  const closeAfter = str(body, 'closeAfterDays').trim()
  return {
    moderationMode: str(body, 'moderationMode') || undefined,
    maxLinks: int('maxLinks'),
    floodSeconds: int('floodSeconds'),
    maxDepth: int('maxDepth'),
    editWindowSeconds: int('editWindowSeconds'),
    closeAfterDays: closeAfter === '' ? null : /^\d+$/.test(closeAfter) ? Number(closeAfter) : closeAfter,
    requireNameEmail: str(body, 'requireNameEmail') === '1',
    notifyModerators: str(body, 'notifyModerators') === '1',
    replyNotifications: str(body, 'replyNotifications') === '1',
    moderationKeys: listLines(str(body, 'moderationKeys')),
    disallowedKeys: listLines(str(body, 'disallowedKeys')),
    origins: listLines(str(body, 'origins')),
    moderatorEmails: listLines(str(body, 'moderatorEmails')),
  }
}

const ERROR_TITLE: Record<number, string> = {
  400: 'That did not work',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  413: 'Too large',
  429: 'Too many requests',
}

export const modUiRoutes = new Hono<AppEnv>()

modUiRoutes.onError((err, c) => {
  if (err instanceof AppError) {
    if (wantsJson(c)) return errorResponse(c, err)
    if (err.status === 401) return c.redirect('/mod/login', 303)
    return c.html(<ErrorPage m={c.var.moderator} title={ERROR_TITLE[err.status] ?? 'That did not work'} message={err.message} />, err.status)
  }
  c.var.deps.log.error('moderator page failed', { method: c.req.method, path: c.req.path, error: String((err as Error)?.stack ?? err) })
  return c.html(<ErrorPage m={c.var.moderator} title="Something went wrong" message="Something went wrong on our side. Try again." />, 500)
})

modUiRoutes
  .use('*', async (c, next) => {
    await next()
    if (c.req.path.startsWith('/mod/assets/')) return
    c.header('Cache-Control', 'private, no-store')
    // Avatars are absolute URLs on PUBLIC_URL, which may differ from the host this page was asked on.
    const own = new URL(c.var.deps.config.publicUrl).origin
    c.header('Content-Security-Policy', `default-src 'self'; img-src 'self' ${own} data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`)
    c.header('X-Frame-Options', 'DENY')
    c.header('Referrer-Policy', 'same-origin')
    c.header('X-Content-Type-Options', 'nosniff')
  })
  .get('/assets/mod.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600')
    c.header('Content-Type', 'text/css; charset=utf-8')
    return c.body(MOD_CSS)
  })
  .get('/assets/mod.js', (c) => {
    c.header('Cache-Control', 'public, max-age=3600')
    c.header('Content-Type', 'text/javascript; charset=utf-8')
    return c.body(MOD_JS)
  })
  .use('*', bodyLimit({ maxSize: 256 * 1024, onError: () => { throw new AppError('payload_too_large', 413, 'The form is too large.') } }))
  // Cross-site form posts are refused before anything else (login CSRF included).
  .use('*', sameOriginOnly())
  .use('*', async (c, next) => {
    if (c.var.moderator || PUBLIC_PATHS.has(c.req.path)) return next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (wantsJson(c)) throw new AppError('unauthenticated', 401, 'Sign in as a moderator first.')
      return c.redirect('/mod/login', 303)
    }
    const url = new URL(c.req.url)
    return c.redirect(`/mod/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
  })

  // Sign in, sign out, set a password
  .get('/login', (c) => {
    const next = safeReturn(c.req.query('next'))
    if (c.var.moderator) return c.redirect(next, 303)
    return c.html(<LoginPage next={next} flash={takeFlash(c)} />)
  })
  .post('/login', async (c) => {
    const deps = c.var.deps
    const body = await c.req.parseBody({ all: true })
    const email = str(body, 'email').trim()
    const password = str(body, 'password')
    const next = safeReturn(str(body, 'next'))
    const again = (status: 400 | 401 | 429, error: string) => c.html(<LoginPage next={next} email={email} error={error} />, status)
    if (!email || !password) return again(400, 'Enter your email address and your password.')
    try {
      const user = await verifyLogin(deps, { email: email.slice(0, 254), password: password.slice(0, 1000) }, deps.clientIp(c))
      const { cookie } = await createSession(deps, user.id)
      c.header('Set-Cookie', cookie, { append: true })
      deps.log.info('moderator signed in', { user: user.id, via: 'ui' })
      return c.redirect(next, 303)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      if (err.status === 429) {
        const minutes = Math.max(1, Math.ceil(Number(err.extra.headers?.['Retry-After'] ?? 60) / 60))
        c.header('Retry-After', err.extra.headers?.['Retry-After'] ?? '60')
        return again(429, `Too many failed sign-ins. For your safety, signing in is locked for about ${minutes} minute${minutes === 1 ? '' : 's'}.`)
      }
      if (err.status === 401) return again(401, 'That email and password do not match an account. Check both and try again.')
      return again(400, err.message)
    }
  })
  .post('/logout', async (c) => {
    const token = sessionTokenFrom(c)
    if (token) await invalidateSessionToken(c.var.deps, token)
    c.header('Set-Cookie', blankSessionCookie(c.var.deps), { append: true })
    return back(c, '/mod/login', { kind: 'ok', text: 'You are signed out.' })
  })
  .get('/set-password', async (c) => {
    const token = c.req.query('token') ?? ''
    const user = await userForPasswordToken(c.var.deps, token)
    if (!user) return c.html(<ErrorPage m={null} title="This link does not work" message="It is incomplete, has expired, or was already used. Ask an admin for a new invite." />, 400)
    return c.html(<SetPasswordPage token={token} email={user.email} />)
  })
  .post('/set-password', async (c) => {
    const deps = c.var.deps
    const body = await c.req.parseBody({ all: true })
    const token = str(body, 'token')
    const password = str(body, 'password')
    const user = await userForPasswordToken(deps, token)
    if (!user) return c.html(<ErrorPage m={null} title="This link does not work" message="It is incomplete, has expired, or was already used. Ask an admin for a new invite." />, 400)
    if (password !== str(body, 'confirm')) return c.html(<SetPasswordPage token={token} email={user.email} error="The two passwords are not the same." />, 400)
    try {
      const done = await setPasswordWithToken(deps, token, password)
      if (!done) return c.html(<ErrorPage m={null} title="This link does not work" message="It was already used." />, 400)
    } catch (err) {
      if (err instanceof AppError && err.status === 400) {
        return c.html(<SetPasswordPage token={token} email={user.email} error={`The password ${err.extra.fields?.[0]?.message ?? 'is not valid'}.`} />, 400)
      }
      throw err
    }
    const { cookie } = await createSession(deps, user.id)
    c.header('Set-Cookie', cookie, { append: true })
    return back(c, '/mod/queue', { kind: 'ok', text: 'Your password is set. Welcome to Parley.' })
  })

  // Entry: also where email links land (?site=&queue=, ?comment=, ?thread=).
  .get('/', (c) => {
    const comment = c.req.query('comment')
    if (comment && idSchema.safeParse(comment).success) return c.redirect(`/mod/comments/${comment}`, 303)
    const thread = c.req.query('thread')
    if (thread && idSchema.safeParse(thread).success) return c.redirect(`/mod/threads/${thread}`, 303)
    const s = new URLSearchParams()
    const site = c.req.query('site')
    const queue = c.req.query('queue')
    if (site && siteIdSchema.safeParse(site).success) s.set('site', site)
    if (queue && (QUEUES as readonly string[]).includes(queue)) s.set('queue', queue)
    return c.redirect(`/mod/queue${s.size ? `?${s}` : ''}`, 303)
  })

  // The queue
  .get('/queue', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const parsed = queueQuerySchema.safeParse(c.req.query())
    if (!parsed.success) throw new AppError('validation_failed', 400, 'That queue address is not valid.')
    const q = parsed.data
    const [sites, page, thread] = await Promise.all([
      mySites(deps, m),
      listQueue(deps, m, q),
      q.thread ? findThreadById(deps.db, q.thread) : Promise.resolve(undefined),
    ])
    const view: QueueView = {
      queue: q.queue,
      site: q.site,
      thread: thread ? { id: thread.id, title: thread.title || thread.uri } : undefined,
      q: q.q || undefined,
      sort: q.sort,
    }
    const url = new URL(c.req.url)
    return c.html(<QueuePageView m={m} sites={sites} view={view} page={page} returnTo={url.pathname + url.search} flash={takeFlash(c)} />)
  })
  .get('/counts', async (c) => {
    const counts = await scopedCounts(c, c.req.query() as Body)
    if (!counts) throw notFound('No such queue.')
    return c.json({ counts })
  })
  .post('/act', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const returnTo = safeReturn(str(body, 'return'))
    const one = str(body, 'one')
    let ids: string[]
    let action: string
    let reason: string
    if (one) {
      const [id = '', a = ''] = one.split(':')
      ids = [id]
      action = a
      reason = str(body, `reason-${id}`)
    } else {
      ids = all(body, 'ids')
      action = str(body, 'action')
      reason = str(body, 'reason')
    }
    ids = [...new Set(ids)]
    const fail = (status: 400 | 404 | 409 | 403, message: string) => {
      if (wantsJson(c)) return errorResponse(c, new AppError(status === 400 ? 'validation_failed' : status === 404 ? 'not_found' : status === 403 ? 'forbidden' : 'invalid_transition', status, message))
      return back(c, returnTo, { kind: 'bad', text: message })
    }
    if (!ids.length) return fail(400, 'Select at least one comment first.')
    if (ids.length > 200 || !ids.every((id) => idSchema.safeParse(id).success)) return fail(400, 'Those are not comment ids.')
    if (!(MODERATION_ACTIONS as readonly string[]).includes(action)) return fail(400, 'Choose an action.')
    let items
    try {
      items = await moderate(c, [{ ids, action: action as ModerationAction, reason: reason.trim().slice(0, 500) || null }])
    } catch (err) {
      if (err instanceof AppError && [403, 404, 409].includes(err.status)) {
        const message = err.status === 409 ? `${err.message} Someone may have acted on it already; reload to see.` : err.message
        return fail(err.status as 403 | 404 | 409, message)
      }
      throw err
    }
    const message = `${PAST[action as ModerationAction]} ${plural(items.length)}.`
    if (wantsJson(c)) return c.json({ message, items, counts: await scopedCounts(c, body) })
    return back(c, returnTo + (one && returnTo.includes('/threads/') ? `#c-${ids[0]}` : ''), { kind: 'ok', text: message })
  })
  // The inverse of an action, for Undo: each comment back to the status it had.
  .post('/undo', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const wanted = all(body, 'undo')
      .map((v) => v.split(':'))
      .filter((p): p is [string, string] => p.length === 2 && idSchema.safeParse(p[0]).success && ['pending', 'approved', 'rejected', 'spam'].includes(p[1]!))
    if (!wanted.length || wanted.length > 200) throw new AppError('validation_failed', 400, 'Nothing to undo.')
    const now = await findCommentStatuses(c.var.deps.db, wanted.map((w) => w[0]))
    const steps: { ids: string[]; action: ModerationAction; via: string }[] = []
    const add = (action: ModerationAction, id: string) => {
      const s = steps.find((x) => x.action === action) ?? (steps.push({ ids: [], action, via: 'undo' }), steps[steps.length - 1]!)
      s.ids.push(id)
    }
    for (const [id, to] of wanted) {
      const cur = now.get(id)
      if (!cur || cur === to) continue
      if (to === 'pending') {
        // There is no approved → pending transition: reject first, then back to the queue.
        if (cur === 'approved') add('reject', id)
        add('restore', id)
      } else add(to === 'approved' ? 'approve' : to === 'rejected' ? 'reject' : 'spam', id)
    }
    const order: ModerationAction[] = ['reject', 'restore', 'approve', 'spam']
    steps.sort((a, b) => order.indexOf(a.action) - order.indexOf(b.action))
    const items = await moderate(c, steps)
    const message = `Undone: ${plural(wanted.length)} back as before.`
    if (wantsJson(c)) return c.json({ message, items, counts: await scopedCounts(c, body) })
    return back(c, safeReturn(str(body, 'return')), { kind: 'ok', text: message })
  })
  .get('/comments/:id', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such comment.')
    const [comment] = await modCommentsByIds(deps, [id])
    if (!comment) throw notFound('No such comment.')
    assertSiteAccess(m, comment.site)
    const [site, audit] = await Promise.all([requireSite(deps.db, comment.site), listAudit(deps, m, { site: comment.site, commentId: id, limit: 50 })])
    return c.html(<CommentPage m={m} site={site} c={comment} audit={audit.items} flash={takeFlash(c)} />)
  })

  // Bans
  .get('/ban', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const id = c.req.query('comment') ?? ''
    const [comment] = idSchema.safeParse(id).success ? await modCommentsByIds(deps, [id]) : []
    if (!comment) throw notFound('No such comment.')
    assertSiteAccess(m, comment.site)
    const site = await requireSite(deps.db, comment.site)
    return c.html(
      <BanPage m={m} c={comment} site={site} canGlobal={m.role === 'admin' && m.sites === null} returnTo={safeReturn(c.req.query('return'))} errors={{}} />,
    )
  })
  .post('/ban', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const body = await c.req.parseBody({ all: true })
    const id = str(body, 'comment')
    const returnTo = safeReturn(str(body, 'return'))
    const [comment] = idSchema.safeParse(id).success ? await modCommentsByIds(deps, [id]) : []
    if (!comment) throw notFound('No such comment.')
    assertSiteAccess(m, comment.site)
    const days = Number(str(body, 'duration') || '0')
    const input = {
      ...(str(body, 'scope') === 'global' ? {} : { site: comment.site }),
      ...(str(body, 'byEmail') === '1' && comment.email ? { email: comment.email } : {}),
      ...(str(body, 'byIp') === '1' && comment.ipHash ? { ip: comment.id } : {}),
      reason: str(body, 'reason'),
      expiresAt: Number.isFinite(days) && days > 0 ? new Date(deps.clock.now().getTime() + days * 86_400_000).toISOString() : null,
      rejectExisting: str(body, 'rejectExisting') === '1',
    }
    const parsed = createBanSchema.safeParse(input)
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error)
      if (errors.email) errors.email = 'Choose what to ban: their email address, their IP address, or both.'
      const site = await requireSite(deps.db, comment.site)
      return c.html(<BanPage m={m} c={comment} site={site} canGlobal={m.role === 'admin' && m.sites === null} returnTo={returnTo} errors={errors} />, 400)
    }
    const r = await createBan(deps, m, parsed.data)
    const what = [parsed.data.email ? parsed.data.email : null, parsed.data.ip ? 'their IP' : null].filter(Boolean).join(' and ')
    return back(c, returnTo, { kind: 'ok', text: `Banned ${what}${parsed.data.site ? '' : ' on every site'}.${r.rejected.length ? ` Rejected ${plural(r.rejected.length)} of theirs.` : ''}` })
  })
  .get('/bans', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const [sites, bans] = await Promise.all([mySites(deps, m), listBans(deps, m, undefined)])
    return c.html(<BansPage m={m} bans={bans} sites={new Map(sites.map((s) => [s.id, s]))} settingsSite={adminSite(m, sites)} flash={takeFlash(c)} />)
  })
  .post('/bans/:id/delete', async (c) => {
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such ban.')
    await removeBan(c.var.deps, me(c), id)
    return back(c, '/mod/bans', { kind: 'ok', text: 'The ban is lifted.' })
  })

  // Threads
  .get('/threads', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const parsed = threadsQuerySchema.safeParse(c.req.query())
    if (!parsed.success) throw new AppError('validation_failed', 400, 'That address is not valid.')
    const [sites, r] = await Promise.all([mySites(deps, m), listThreads(deps, m, parsed.data)])
    return c.html(<ThreadsPage m={m} sites={sites} site={parsed.data.site} q={parsed.data.q || undefined} items={r.items} nextCursor={r.nextCursor} flash={takeFlash(c)} />)
  })
  .get('/threads/:id', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const id = c.req.param('id')
    const thread = idSchema.safeParse(id).success ? await findThreadById(deps.db, id) : undefined
    if (!thread) throw notFound('No such thread.')
    assertSiteAccess(m, thread.site_id)
    const ids = await findThreadCommentIdsInOrder(deps.db, thread.id, THREAD_PAGE_LIMIT)
    const [site, comments, authors] = await Promise.all([requireSite(deps.db, thread.site_id), modCommentsByIds(deps, ids), listAuthors(deps, m, thread.site_id)])
    return c.html(
      <ThreadPage m={m} site={site} thread={toThreadView(thread, comments.map((x) => x.status))} comments={comments} authors={authors} flash={takeFlash(c)} />,
    )
  })
  .post('/threads/:id', async (c) => {
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such thread.')
    const body = await c.req.parseBody({ all: true })
    const closed = str(body, 'closed') === '1'
    await patchThread(c.var.deps, me(c), id, { closed })
    return back(c, `/mod/threads/${id}`, { kind: 'ok', text: closed ? 'The thread is closed: nobody can post.' : 'The thread is open again.' })
  })
  .post('/threads/:id/authors', async (c) => {
    const id = c.req.param('id')
    if (!idSchema.safeParse(id).success) throw notFound('No such thread.')
    const body = await c.req.parseBody({ all: true })
    const authors = z.array(authorHandleSchema).max(20).safeParse(all(body, 'authors'))
    if (!authors.success) throw new AppError('validation_failed', 400, 'Those are not author handles.')
    await patchThread(c.var.deps, me(c), id, { authors: authors.data })
    return back(c, `/mod/threads/${id}`, { kind: 'ok', text: 'Article authors saved.' })
  })

  // Audit log
  .get('/audit', async (c) => {
    const deps = c.var.deps
    const m = me(c)
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''))
    const parsed = auditQuerySchema.safeParse(query)
    if (!parsed.success) throw new AppError('validation_failed', 400, 'Those filters are not valid.')
    const [sites, r] = await Promise.all([mySites(deps, m), listAudit(deps, m, parsed.data)])
    return c.html(<AuditPage m={m} sites={sites} filter={{ site: parsed.data.site, actor: parsed.data.actor, commentId: parsed.data.commentId }} items={r.items} nextCursor={r.nextCursor} />)
  })

  // Settings (admins)
  .get('/settings', async (c) => {
    const m = me(c)
    const site = adminSite(m, await mySites(c.var.deps, m), c.req.query('site'))
    if (!site) throw forbidden('Only an admin may change settings.')
    return c.redirect(`/mod/sites/${site}/settings`, 303)
  })
  .get('/sites/:site/settings', async (c) => {
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    await getSiteSettings(c.var.deps, me(c), site)
    return renderSettings(c, site)
  })
  .post('/sites/:site/settings', async (c) => {
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    assertAdmin(me(c), site)
    const values = settingsFromForm(await c.req.parseBody({ all: true }))
    const parsed = siteSettingsPatchSchema.safeParse(values)
    if (!parsed.success) return renderSettings(c, site, { values, errors: fieldErrors(parsed.error), status: 400 })
    await patchSiteSettings(c.var.deps, me(c), site, parsed.data)
    return back(c, `/mod/sites/${site}/settings`, { kind: 'ok', text: 'Settings saved.' })
  })
  .post('/sites/:site/moderators', async (c) => {
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    const body = await c.req.parseBody({ all: true })
    const to = `/mod/sites/${site}/settings#moderators`
    const parsed = inviteSchema.safeParse({ email: str(body, 'email').trim(), role: str(body, 'role') || 'moderator' })
    if (!parsed.success) return back(c, to, { kind: 'bad', text: `The email address ${parsed.error.issues[0]?.message ?? 'is not valid'}.` })
    try {
      const r = await inviteModerator(c.var.deps, me(c), site, parsed.data)
      return back(
        c,
        to,
        r.link
          ? { kind: 'ok', text: `Invited ${r.user.email}. They got an email; you can also send them this link:`, link: r.link }
          : { kind: 'ok', text: `${r.user.email} can now moderate this site too.` },
      )
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return back(c, to, { kind: 'bad', text: err.message })
      throw err
    }
  })
  .post('/sites/:site/moderators/:user/role', async (c) => {
    const site = c.req.param('site')
    const user = c.req.param('user')
    if (!siteIdSchema.safeParse(site).success || !idSchema.safeParse(user).success) throw notFound('No such moderator.')
    const role = str(await c.req.parseBody({ all: true }), 'role')
    if (role !== 'admin' && role !== 'moderator') throw new AppError('validation_failed', 400, 'Choose a role.')
    await changeModeratorRole(c.var.deps, me(c), site, user, role as Role)
    return back(c, `/mod/sites/${site}/settings#moderators`, { kind: 'ok', text: `Role changed to ${role}.` })
  })
  .post('/sites/:site/moderators/:user/remove', async (c) => {
    const site = c.req.param('site')
    const user = c.req.param('user')
    if (!siteIdSchema.safeParse(site).success || !idSchema.safeParse(user).success) throw notFound('No such moderator.')
    await removeModerator(c.var.deps, me(c), site, user)
    return back(c, `/mod/sites/${site}/settings#moderators`, { kind: 'ok', text: 'Removed.' })
  })
  .post('/sites/:site/authors', async (c) => {
    const deps = c.var.deps
    const site = c.req.param('site')
    if (!siteIdSchema.safeParse(site).success) throw notFound('No such site.')
    const body = await c.req.parseBody({ all: true })
    const to = `/mod/sites/${site}/settings#authors`
    const parsed = createAuthorSchema.safeParse({ handle: str(body, 'handle'), name: str(body, 'name'), email: str(body, 'email').trim(), notify: str(body, 'notify') === '1' })
    if (!parsed.success) {
      const i = parsed.error.issues[0]
      return back(c, to, { kind: 'bad', text: `The ${String(i?.path[0] ?? 'form')} ${i?.message ?? 'is not valid'}.` })
    }
    try {
      await addAuthor(deps.db, me(c), site, parsed.data, deps.clock.now())
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return back(c, to, { kind: 'bad', text: err.message })
      throw err
    }
    return back(c, to, { kind: 'ok', text: `Added ${parsed.data.name}.` })
  })
  .post('/sites/:site/authors/:handle', async (c) => {
    const site = c.req.param('site')
    const handle = authorHandleSchema.safeParse(c.req.param('handle'))
    if (!siteIdSchema.safeParse(site).success || !handle.success) throw notFound('No such author.')
    const body = await c.req.parseBody({ all: true })
    const to = `/mod/sites/${site}/settings#authors`
    const parsed = updateAuthorSchema.safeParse({ name: str(body, 'name'), email: str(body, 'email').trim(), notify: str(body, 'notify') === '1' })
    if (!parsed.success) {
      const i = parsed.error.issues[0]
      return back(c, to, { kind: 'bad', text: `The ${String(i?.path[0] ?? 'form')} ${i?.message ?? 'is not valid'}.` })
    }
    await editAuthor(c.var.deps, me(c), site, handle.data, parsed.data)
    return back(c, to, { kind: 'ok', text: `Saved ${handle.data}.` })
  })
  .post('/sites/:site/authors/:handle/remove', async (c) => {
    const site = c.req.param('site')
    const handle = authorHandleSchema.safeParse(c.req.param('handle'))
    if (!siteIdSchema.safeParse(site).success || !handle.success) throw notFound('No such author.')
    await removeAuthor(c.var.deps, me(c), site, handle.data)
    return back(c, `/mod/sites/${site}/settings#authors`, { kind: 'ok', text: `Removed ${handle.data}.` })
  })
  .all('*', (c) => c.html(<ErrorPage m={c.var.moderator} title="Not found" message="There is no such page." />, 404))

