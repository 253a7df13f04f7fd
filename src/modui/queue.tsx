import { raw } from 'hono/html'
import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { ModComment } from '../moderation/mod.mapper.js'
import type { QueuePage } from '../moderation/queue.service.js'
import { QUEUES, type Queue } from '../moderation/queue.repository.js'
import { nextStatus, type ModerationAction } from '../moderation/transitions.js'
import type { Site } from '../sites/site.service.js'
import { Layout, StatusPill, Time, type Flash } from './layout.js'

export const QUEUE_LABEL: Record<Queue, string> = {
  pending: 'Pending',
  reported: 'Reported',
  approved: 'Approved',
  rejected: 'Rejected',
  spam: 'Spam',
}

const ACTION_LABEL: Record<ModerationAction, string> = { approve: 'Approve', reject: 'Reject', spam: 'Spam', restore: 'Back to pending', delete: 'Delete' }
const ACTION_CLASS: Record<ModerationAction, string> = { approve: 'btn ok', reject: 'btn bad', spam: 'btn spam', restore: 'btn', delete: 'btn bad' }
const CARD_ACTIONS: ModerationAction[] = ['approve', 'reject', 'spam', 'restore']

/** Which bulk actions make sense for everything in a queue. */
const BULK: Record<Queue, ModerationAction[]> = {
  pending: ['approve', 'reject', 'spam'],
  reported: ['approve', 'reject', 'spam'],
  approved: ['reject', 'spam'],
  rejected: ['approve', 'spam', 'restore'],
  spam: ['approve', 'reject', 'restore'],
}

/** Said after the parent's author when readers do not see the parent (any more). */
const PARENT_STATUS: Record<ModComment['status'], string> = {
  approved: 'published',
  pending: 'not yet approved',
  rejected: 'rejected',
  spam: 'marked as spam',
  deleted: 'since deleted',
}

export interface QueueView {
  queue: Queue
  site?: string | undefined
  thread?: { id: string; title: string } | undefined
  q?: string | undefined
  sort?: 'newest' | 'oldest' | undefined
}

/** `/mod/queue?…` for a view, with changes. */
export function queueHref(v: QueueView, over: Partial<QueueView> & { cursor?: string } = {}): string {
  const s = new URLSearchParams()
  const site = 'site' in over ? over.site : v.site
  const thread = 'thread' in over ? over.thread : v.thread
  const q = 'q' in over ? over.q : v.q
  s.set('queue', over.queue ?? v.queue)
  if (site) s.set('site', site)
  if (thread) s.set('thread', thread.id)
  if (q) s.set('q', q)
  if (v.sort === 'oldest') s.set('sort', 'oldest')
  if (over.cursor) s.set('cursor', over.cursor)
  return `/mod/queue?${s}`
}

export function historyText(h: ModComment['authorHistory']): string {
  const parts = [
    h.approved ? `${h.approved} approved` : '',
    h.rejected ? `${h.rejected} rejected` : '',
    h.spam ? `${h.spam} spam` : '',
  ].filter(Boolean)
  return parts.length ? parts.join(' · ') : 'new author'
}

export function articleUrl(sites: Map<string, Site>, c: ModComment): string | null {
  const origin = sites.get(c.site)?.settings.origins[0]
  return origin ? origin + c.thread.uri : null
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** Text or an attribute value for HTML, escaped as Hono's JSX escapes it. */
const esc = (s: string) => (/[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!) : s)

export interface CardProps {
  c: ModComment
  sites: Map<string, Site>
  returnTo: string
  showSite: boolean
  selectable?: boolean
  depth?: number | undefined
  /** In a thread view: the article is the page's own, so the card does not repeat it. */
  inThread?: boolean
}

/**
 * One comment as a moderator sees it, with its actions (buttons of the surrounding queue form).
 * Built as a string, not as JSX: a queue page is 50 of these, and Hono's JSX tree (an object per
 * element, then a walk to serialise it) was a fifth of the page's CPU (docs/perf.md, round 3).
 * The markup is the one the JSX gave, byte for byte; every value goes through esc().
 */
export function cardHtml({ c, sites, returnTo, showSite, selectable = true, depth, inThread = false }: CardProps): string {
  const name = c.author.name || 'Anonymous'
  const href = articleUrl(sites, c)
  const actions = CARD_ACTIONS.filter((a) => nextStatus(a, c.status, c.openReports) !== null)
  const openReports = c.reports.filter((r) => !r.resolved)
  const id = esc(c.id)
  const cls = ['card', selectable ? '' : 'nosel', depth ? `d${Math.min(depth, 8)}` : ''].filter(Boolean).join(' ')
  const title = esc(c.thread.title || c.thread.uri)
  let h = `<li class="${esc(cls)}" id="c-${id}" data-id="${id}" tabindex="-1" aria-labelledby="n-${id}">`
  if (selectable) h += `<div class="sel"><input type="checkbox" name="ids" value="${id}" id="sel-${id}" aria-label="Select the comment by ${esc(name)}"/></div>`
  h += '<div><div class="hd">'
  if (c.author.avatar) h += `<img class="av" src="${esc(c.author.avatar)}" alt="" width="36" height="36" loading="lazy"/>`
  h += `<div><div><span class="name" id="n-${id}">${esc(name)}</span> <span class="pill status ${esc(c.status)}">${esc(c.status)}</span> `
  if (c.author.badge) h += `<span class="pill staff">${c.author.badge === 'author' ? 'Author' : 'Staff'}</span>`
  h += ' '
  if (c.openReports > 0) h += `<span class="pill reported">${c.openReports === 1 ? '1 report' : `${c.openReports} reports`}</span>`
  h += '</div><div class="meta">'
  h += c.email ? `<a href="mailto:${esc(c.email)}">${esc(c.email)}</a>` : '<span>no email</span>'
  if (c.author.url) h += `<a href="${esc(c.author.url)}" rel="nofollow noopener noreferrer ugc" target="_blank">${esc(c.author.url.replace(/^https?:\/\//, ''))}</a>`
  if (c.ipHash) h += `<span class="badge" title="IP key (a keyed hash of the IP): the same key means the same IP">IP ${esc(c.ipHash.slice(0, 6))}</span>`
  h += `<span title="This author&#39;s comments on this site">${esc(historyText(c.authorHistory))}</span>`
  if (c.upvotes || c.downvotes) h += `<span title="Readers&#39; votes (they never change moderation)">${c.upvotes} up${c.downvotes ? ` · ${c.downvotes} down` : ''}</span>`
  const at = esc(c.createdAt)
  h += `<time datetime="${at}" title="${at}">${esc(c.createdAt.slice(0, 16).replace('T', ' '))} UTC</time><a href="/mod/comments/${id}">details</a></div></div></div>`
  if (!inThread) {
    h += `<div class="meta"><span>On ${href ? `<a href="${esc(href)}" target="_blank" rel="noopener">${title}</a>` : title}</span><a href="/mod/queue?thread=${esc(c.thread.id)}">only this thread</a>`
    if (showSite) h += `<span class="badge">${esc(sites.get(c.site)?.name ?? c.site)}</span>`
    h += '</div>'
  }
  if (c.parent) {
    h += `<div class="parent">In reply to <strong>${esc(c.parent.author || 'Anonymous')}</strong>`
    if (c.parent.status !== 'approved') h += ` (${esc(PARENT_STATUS[c.parent.status])})`
    if (c.parent.excerpt) h += esc(`: ${c.parent.excerpt}`)
    h += '</div>'
  }
  if (c.status === 'pending' && c.reasons.length) {
    h += '<div class="why"><strong>Held:</strong> '
    h += c.reasons.length === 1 ? esc(c.reasons[0]!.message) : `<ul>${c.reasons.map((r) => `<li>${esc(r.message)}</li>`).join('')}</ul>`
    h += '</div>'
  }
  if (openReports.length) {
    h += '<div class="why reports"><strong>Reports:</strong><ul>'
    for (const r of openReports) h += `<li>${esc(r.reason)}${r.details ? esc(` — “${r.details}”`) : ''} <span class="muted">(${esc(r.at.slice(0, 16).replace('T', ' '))})</span></li>`
    h += '</ul></div>'
  }
  h += `<div class="body">${c.html}</div><div class="acts">`
  for (const a of actions) h += `<button class="${ACTION_CLASS[a]}" type="submit" name="one" value="${id}:${a}">${a === 'approve' && c.status === 'approved' ? 'Keep (dismiss reports)' : esc(ACTION_LABEL[a])}</button>`
  if (c.status === 'approved') h += `<a class="btn" href="/mod/comments/${id}#reply">Reply as staff</a>`
  if (actions.includes('reject'))
    h += `<details><summary class="btn link">Reject with a reason…</summary><div class="inline"><label class="sr" for="reason-${id}">Reason for rejecting</label><input type="text" id="reason-${id}" name="reason-${id}" maxlength="500" placeholder="Reason (kept in the audit log)"/><button class="btn bad" type="submit" name="one" value="${id}:reject">Reject</button></div></details>`
  h += `<a class="btn link" href="/mod/ban?comment=${id}&amp;return=${esc(encodeURIComponent(returnTo))}">Ban author…</a></div></div></li>`
  return h
}

export const Card: FC<CardProps> = (props) => raw(cardHtml(props))

export const KeysHelp: FC = () => (
  <dialog id="keys-help" aria-labelledby="keys-title">
    <h2 id="keys-title">Keyboard shortcuts</h2>
    <dl>
      <dt><kbd>j</kbd> / <kbd>k</kbd></dt>
      <dd>next / previous comment</dd>
      <dt><kbd>a</kbd></dt>
      <dd>approve</dd>
      <dt><kbd>r</kbd></dt>
      <dd>reject</dd>
      <dt><kbd>s</kbd></dt>
      <dd>spam</dd>
      <dt><kbd>x</kbd></dt>
      <dd>select for a bulk action</dd>
      <dt><kbd>u</kbd></dt>
      <dd>undo the last action</dd>
      <dt><kbd>?</kbd></dt>
      <dd>show or hide this list</dd>
    </dl>
    <form method="dialog">
      <button class="btn primary" type="submit">
        Close
      </button>
    </form>
  </dialog>
)

export const Toast: FC = () => (
  <div id="toast" class="toast" hidden>
    <span id="toast-text"></span>
    <button id="toast-undo" type="button" hidden>
      Undo
    </button>
  </div>
)

export const QueuePageView: FC<{
  m: ModeratorIdentity
  sites: Site[]
  view: QueueView
  page: QueuePage
  returnTo: string
  flash: Flash | null
  /** Seconds between the script's looks at the counts and for new cards (LIVE_POLL_SECONDS). */
  pollSeconds?: number
  /** When the page was made (server clock): cards newer than this are new to the moderator. */
  renderedAt?: string
}> = ({ m, sites, view, page, returnTo, flash, pollSeconds = 15, renderedAt }) => {
  const siteMap = new Map(sites.map((s) => [s.id, s]))
  const settingsSite = view.site ?? sites[0]?.id ?? null
  const bulk = BULK[view.queue]
  // "Well done" only when nothing is left in the queue, not when just this page is empty.
  const noneText = view.queue === 'pending' ? 'Nothing waits for a moderator. Well done.' : `No ${QUEUE_LABEL[view.queue].toLowerCase()} comments here.`
  const moreText = 'No more comments on this page.'
  return (
    <Layout title={`${QUEUE_LABEL[view.queue]} comments`} m={m} nav="queue" settingsSite={settingsSite} flash={flash}>
      <h1>Moderation queue</h1>
      <nav class="tabs" aria-label="Queues">
        {QUEUES.map((q) => (
          <a href={queueHref(view, { queue: q })} aria-current={q === view.queue ? 'page' : undefined}>
            {QUEUE_LABEL[q]}
            <span class="count" data-count={q} aria-label={`${page.counts[q]} comments`}>
              {page.counts[q]}
            </span>
          </a>
        ))}
      </nav>
      <form class="filters" method="get" action="/mod/queue" role="search">
        <input type="hidden" name="queue" value={view.queue} />
        {view.thread ? <input type="hidden" name="thread" value={view.thread.id} /> : null}
        {sites.length > 1 ? (
          <div>
            <label for="f-site" class="sr">
              Site
            </label>
            <select id="f-site" name="site" data-autosubmit>
              <option value="">All sites</option>
              {sites.map((s) => (
                <option value={s.id} selected={s.id === view.site}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="grow">
          <label for="f-q" class="sr">
            Search comments
          </label>
          <input type="search" id="f-q" name="q" value={view.q ?? ''} placeholder="Search text, name or email" />
        </div>
        <div>
          <label for="f-sort" class="sr">
            Order
          </label>
          <select id="f-sort" name="sort" data-autosubmit>
            <option value="newest">Newest first</option>
            <option value="oldest" selected={view.sort === 'oldest'}>
              Oldest first
            </option>
          </select>
        </div>
        <button class="btn" type="submit">
          Search
        </button>
        {view.thread ? (
          <span class="chip">
            Thread: {view.thread.title}
            <a href={queueHref(view, { thread: undefined })} aria-label="Show every thread">
              ×
            </a>
          </span>
        ) : null}
        <button class="btn link" type="button" id="keys-button" hidden>
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </form>
      <form id="queue-form" method="post" action="/mod/act">
        <input type="hidden" name="return" value={returnTo} />
        <input type="hidden" name="queue" value={view.queue} />
        {view.site ? <input type="hidden" name="site" value={view.site} /> : null}
        {view.thread ? <input type="hidden" name="thread" value={view.thread.id} /> : null}
        {view.q ? <input type="hidden" name="q" value={view.q} /> : null}
        {page.items.length ? (
          <div class="bulk" role="group" aria-label="Bulk actions">
            <input type="checkbox" id="select-all" hidden />
            <label for="select-all" hidden>
              Select all on this page
            </label>
            <span id="bulk-count" class="muted small" aria-live="polite"></span>
            {bulk.map((a) => (
              <button class={ACTION_CLASS[a]} type="submit" name="action" value={a}>
                {ACTION_LABEL[a]} selected
              </button>
            ))}
          </div>
        ) : null}
        <div class="newcards" id="queue-new" aria-live="polite">
          <button class="btn primary" type="button" id="queue-new-show" hidden></button>
        </div>
        <ol class="cards" id="queue-list" data-queue={view.queue} data-poll={pollSeconds} data-since={renderedAt} aria-label={`${QUEUE_LABEL[view.queue]} comments`}>
          {raw(page.items.map((c) => cardHtml({ c, sites: siteMap, returnTo, showSite: sites.length > 1 && !view.site })).join(''))}
        </ol>
        <p
          class="empty"
          id="queue-empty"
          tabindex={-1}
          hidden={page.items.length > 0}
          data-none={noneText}
          data-more={moreText}
          data-loading="Loading the next comments…"
          aria-live="polite"
        >
          {page.counts[view.queue] === 0 ? noneText : moreText}
        </p>
      </form>
      {page.nextCursor ? (
        <div class="pager">
          <a class="btn" href={queueHref(view, { cursor: page.nextCursor })}>
            Older comments →
          </a>
        </div>
      ) : null}
      <p class="keys">
        Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>s</kbd> spam · <kbd>x</kbd> select · <kbd>u</kbd> undo ·{' '}
        <kbd>?</kbd> help
      </p>
      <KeysHelp />
      <Toast />
    </Layout>
  )
}
