import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { html } from 'hono/html'
import type { AppEnv } from '../deps.js'
import { excerpt } from '../../emails/layout.js'
import { markdownToText } from '../comments/markdown.js'
import {
  ACTION_LABEL,
  confirmByToken,
  inspectModerationToken,
  inspectSubscriptionToken,
  linkStillActs,
  moderateByToken,
  type ModerationView,
  unsubscribeByToken,
} from './email-links.service.js'
import { emailPage } from './pages.js'
import { confirmFollowByToken, inspectFollowToken, unfollowByToken } from '../follows/follow.service.js'

type Html = Parameters<typeof emailPage>[0]['body']

/** The pages behind email links carry a bearer token in the URL: keep it out of caches and referrers. */
function pageHeaders(c: Context<AppEnv>) {
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
  c.header('X-Robots-Tag', 'noindex')
  c.header('X-Frame-Options', 'DENY')
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

async function render(c: Context<AppEnv>, status: 200 | 400 | 403 | 404 | 409, page: Parameters<typeof emailPage>[0]) {
  pageHeaders(c)
  return c.html(await emailPage(page), status)
}

function badLink(c: Context<AppEnv>) {
  return render(c, 400, {
    title: 'This link does not work',
    body: html`<p>The link is incomplete, has expired, or was not made for this page. Nothing was changed.</p>
<p class="muted">If you copied it from an email, make sure you copied all of it.</p>`,
  })
}

/** The token from the query string, or from a form field of the same name. */
async function tokenOf(c: Context<AppEnv>): Promise<string | undefined> {
  const q = c.req.query('token')
  if (q) return q
  if (c.req.method !== 'POST') return undefined
  try {
    const body = await c.req.parseBody()
    const t = body['token']
    return typeof t === 'string' ? t : undefined
  } catch {
    return undefined
  }
}

const formAction = (path: string, token: string) => `${path}?token=${encodeURIComponent(token)}`

const STATUS_WORD: Record<string, string> = { approved: 'approved', rejected: 'rejected', spam: 'marked as spam', deleted: 'deleted', pending: 'pending' }
const STILL = { approve: 'approve it', reject: 'reject it', spam: 'mark it as spam' } as const
const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** "Already approved by mo@… at 2026-12-01 10:42 UTC." — from the audit row that decided. */
function decidedText(view: ModerationView): string {
  const word = STATUS_WORD[view.comment.status] ?? view.comment.status
  const d = view.decided
  if (!d) return `The comment is already ${word}.`
  return `Already ${word} ${d.by ? `by ${d.by}` : 'automatically'} at ${minute(d.at)}.`
}

/**
 * GET shows a page with one button and changes nothing (mail scanners follow links);
 * POST acts, idempotently. Form posts, not JSON: these are pages, outside /api.
 */
export const emailRoutes = new Hono<AppEnv>()
  .use('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('Too large.', 413) }))
  .get('/confirm', async (c) => {
    const token = await tokenOf(c)
    const info = await inspectSubscriptionToken(c.var.deps, 'confirm', token)
    if (!info) return badLink(c)
    return render(c, 200, {
      title: 'Confirm your email address',
      siteName: info.site?.name,
      body: html`<p>Confirm to get an email when someone replies to your comments.</p>`,
      form: { action: formAction('/email/confirm', token!), label: 'Confirm my address' },
    })
  })
  .post('/confirm', async (c) => {
    const r = await confirmByToken(c.var.deps, await tokenOf(c))
    if (!r) return badLink(c)
    if (r.outcome === 'missing') return render(c, 404, { title: 'Nothing to confirm', siteName: r.site?.name, body: html`<p>There is no request for reply emails for this address any more.</p>` })
    return render(c, 200, {
      title: r.outcome === 'done' ? 'Your address is confirmed' : 'Your address was already confirmed',
      siteName: r.site?.name,
      body: html`<p>You will get an email when someone replies to a comment of yours for which you ticked “notify me”.</p>`,
    })
  })
  .get('/unsubscribe', async (c) => {
    const token = await tokenOf(c)
    const info = await inspectSubscriptionToken(c.var.deps, 'unsubscribe', token)
    if (!info) return badLink(c)
    return render(c, 200, {
      title: 'Stop reply emails?',
      siteName: info.site?.name,
      body: html`<p>You will no longer get any reply emails from ${info.site?.name ?? 'this site'}.</p>`,
      form: { action: formAction('/email/unsubscribe', token!), label: 'Unsubscribe', danger: true },
    })
  })
  // Also the RFC 8058 one-click target: a mail client POSTs `List-Unsubscribe=One-Click` here.
  .post('/unsubscribe', async (c) => {
    const r = await unsubscribeByToken(c.var.deps, await tokenOf(c))
    if (!r) return badLink(c)
    return render(c, 200, {
      title: r.outcome === 'already' ? 'You were already unsubscribed' : 'You are unsubscribed',
      siteName: r.site?.name,
      body: html`<p>You will not get reply emails from ${r.site?.name ?? 'this site'} any more. Ticking “notify me” on a new comment asks you to confirm again.</p>`,
    })
  })
  // Following an article (issue 15): the confirmation link and the digests' one-click unsubscribe.
  .get('/follow/confirm', async (c) => {
    const token = await tokenOf(c)
    const info = await inspectFollowToken(c.var.deps, 'follow_confirm', token)
    if (!info) return badLink(c)
    return render(c, 200, {
      title: 'Confirm: email me new comments',
      siteName: info.site?.name,
      body: html`<p>Confirm to get an email when new comments are published on <strong>${info.threadTitle ?? 'this article'}</strong>, at most one every ${info.site?.settings.followDigestMinutes ?? 60} minutes.</p>`,
      form: { action: formAction('/email/follow/confirm', token!), label: 'Confirm' },
    })
  })
  .post('/follow/confirm', async (c) => {
    const r = await confirmFollowByToken(c.var.deps, await tokenOf(c))
    if (!r) return badLink(c)
    const { site, threadTitle } = r.view
    if (r.outcome === 'missing') return render(c, 404, { title: 'Nothing to confirm', siteName: site?.name, body: html`<p>There is no request to follow this article for this address any more.</p>` })
    return render(c, 200, {
      title: r.outcome === 'done' ? 'You follow this article' : 'You already follow this article',
      siteName: site?.name,
      body: html`<p>You will get an email when new comments are published on <strong>${threadTitle ?? 'this article'}</strong>. Every email has a link to stop them.</p>`,
    })
  })
  .get('/follow/unsubscribe', async (c) => {
    const token = await tokenOf(c)
    const info = await inspectFollowToken(c.var.deps, 'follow_unsubscribe', token)
    if (!info) return badLink(c)
    return render(c, 200, {
      title: 'Stop emails about this article?',
      siteName: info.site?.name,
      body: html`<p>You will no longer get emails about new comments on <strong>${info.threadTitle ?? 'this article'}</strong>.</p>`,
      form: { action: formAction('/email/follow/unsubscribe', token!), label: 'Unsubscribe', danger: true },
    })
  })
  // Also the RFC 8058 one-click target of the digests' List-Unsubscribe header.
  .post('/follow/unsubscribe', async (c) => {
    const r = await unfollowByToken(c.var.deps, await tokenOf(c))
    if (!r) return badLink(c)
    const { site, threadTitle } = r.view
    if (r.outcome === 'missing') return render(c, 404, { title: 'Nothing to stop', siteName: site?.name, body: html`<p>This address no longer follows this article. Nothing was changed.</p>` })
    return render(c, 200, {
      title: r.outcome === 'already' ? 'You were already unsubscribed' : 'You are unsubscribed',
      siteName: site?.name,
      body: html`<p>You will not get emails about <strong>${threadTitle ?? 'this article'}</strong> any more. Following it again from the page asks you to confirm again.</p>`,
    })
  })
  .get('/moderate', async (c) => {
    const token = await tokenOf(c)
    const view = await inspectModerationToken(c.var.deps, token)
    if (!view) return badLink(c)
    if (view === 'missing') return render(c, 404, { title: 'This comment is gone', body: html`<p>The comment no longer exists.</p>` })
    const action = view.subject.action
    const quote: Html = html`<p>${view.comment.author_name || 'Anonymous'} on <strong>${view.threadTitle}</strong>:</p>
<blockquote>${excerpt(markdownToText(view.comment.body_md), 1000)}</blockquote>`
    if (view.comment.status === 'pending')
      return render(c, 200, {
        title: `${ACTION_LABEL[action]} this comment?`,
        siteName: view.site.name,
        body: quote,
        form: { action: formAction('/email/moderate', token!), label: ACTION_LABEL[action], danger: action !== 'approve' },
      })
    // Someone decided already (this link, another one, the desk): say who and when, and offer the
    // link's action only when it would still change something.
    const acts = linkStillActs(view)
    return render(c, 200, {
      title: `Already ${STATUS_WORD[view.comment.status]}`,
      siteName: view.site.name,
      body: html`<p>${decidedText(view)}</p>
${quote}
${acts ? html`<p>You can still ${STILL[action]} instead.</p>` : html`<p>There is nothing left to do from this email.</p>`}
<p class="muted"><a href="/mod/comments/${view.comment.id}">Open it in the moderation desk</a></p>`,
      ...(acts ? { form: { action: formAction('/email/moderate', token!), label: `${ACTION_LABEL[action]} instead`, danger: action !== 'approve' } } : {}),
    })
  })
  .post('/moderate', async (c) => {
    const r = await moderateByToken(c.var.deps, await tokenOf(c))
    if (!r) return badLink(c)
    if (r.outcome === 'missing') return render(c, 404, { title: 'This comment is gone', body: html`<p>The comment no longer exists. Nothing was changed.</p>` })
    const siteName = r.view.site.name
    const queue = html`<p class="muted"><a href="/mod?site=${r.view.site.id}&amp;queue=pending">Open the moderation queue</a></p>`
    if (r.outcome === 'not_a_moderator')
      return render(c, 403, { title: 'This link no longer works', siteName, body: html`<p>It was sent to an address that no longer moderates ${siteName}. Nothing was changed.</p>` })
    if (r.outcome === 'not_allowed')
      return render(c, 409, { title: 'This cannot be done from the email', siteName, body: html`<p>The comment is now ${r.status}. Nothing was changed.</p>${queue}` })
    const done = STATUS_WORD[r.status] ?? r.status
    return render(c, 200, {
      title: r.outcome === 'done' ? `Comment ${done}` : `Already ${done}`,
      siteName,
      body: html`<p>${r.outcome === 'done' ? `The comment is ${done}.` : `${decidedText(r.view)} Nothing changed.`}</p>${queue}`,
    })
  })
