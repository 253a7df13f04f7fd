import type { FC } from 'hono/jsx'
import type { PublicUser } from '../auth/user.service.js'
import type { ModeratorIdentity } from '../deps.js'
import type { AuditItem } from '../moderation/audit.service.js'
import type { Ban } from '../moderation/bans.service.js'
import type { ModComment } from '../moderation/mod.mapper.js'
import type { Author } from '../sites/site-admin.service.js'
import type { Site } from '../sites/site.service.js'
import type { ModThread } from '../threads/thread-admin.service.js'
import { Layout, Notice, StatusPill, Time, type Flash } from './layout.js'
import { Card, historyText, KeysHelp, Toast } from './queue.js'

const FieldError: FC<{ id: string; error?: string | undefined }> = ({ id, error }) =>
  error ? (
    <p class="err" id={`${id}-err`}>
      {error}
    </p>
  ) : null

const described = (id: string, error: string | undefined) => (error ? { 'aria-describedby': `${id}-err`, 'aria-invalid': 'true' } : {})

export const ErrorPage: FC<{ m: ModeratorIdentity | null; title: string; message: string; settingsSite?: string | null }> = ({ m, title, message, settingsSite }) => (
  <Layout title={title} m={m} settingsSite={settingsSite ?? null}>
    <div class="panel">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/mod/queue">Back to the queue</a>
      </p>
    </div>
  </Layout>
)

export const LoginPage: FC<{ next: string; email?: string; error?: string | null; flash?: Flash | null }> = ({ next, email, error, flash }) => (
  <Layout title="Sign in" m={null}>
    <div class="narrow panel">
      <h1>Sign in to moderate</h1>
      <Notice flash={flash} />
      {error ? (
        <div class="notice bad" role="alert" id="login-error">
          {error}
        </div>
      ) : null}
      <form method="post" action="/mod/login">
        <input type="hidden" name="next" value={next} />
        <div class="field">
          <label for="email">Email</label>
          <input type="email" id="email" name="email" value={email ?? ''} autocomplete="username" required autofocus />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
        </div>
        <button class="btn primary" type="submit">
          Sign in
        </button>
      </form>
    </div>
  </Layout>
)

export const SetPasswordPage: FC<{ token: string; email: string; error?: string | undefined }> = ({ token, email, error }) => (
  <Layout title="Choose a password" m={null}>
    <div class="narrow panel">
      <h1>Choose a password</h1>
      <p class="muted">
        For <strong>{email}</strong>. At least 10 characters.
      </p>
      <form method="post" action="/mod/set-password">
        <input type="hidden" name="token" value={token} />
        <input type="email" name="email" value={email} autocomplete="username" hidden readonly />
        <div class="field">
          <label for="password">New password</label>
          <input type="password" id="password" name="password" autocomplete="new-password" minlength={10} required {...described('password', error)} />
          <FieldError id="password" error={error} />
        </div>
        <div class="field">
          <label for="confirm">Repeat it</label>
          <input type="password" id="confirm" name="confirm" autocomplete="new-password" minlength={10} required />
        </div>
        <button class="btn primary" type="submit">
          Set password and sign in
        </button>
      </form>
    </div>
  </Layout>
)

export const BanPage: FC<{
  m: ModeratorIdentity
  c: ModComment
  site: Site
  canGlobal: boolean
  returnTo: string
  errors: Record<string, string>
  flash?: Flash | null
}> = ({ m, c, site, canGlobal, returnTo, errors, flash }) => (
  <Layout title="Ban an author" m={m} nav="bans" settingsSite={site.id} flash={flash}>
    <div class="panel">
      <h1>Ban {c.author.name || 'this author'}</h1>
      <p class="meta">
        {c.email ?? 'no email'} {c.ipHash ? <span class="badge">IP {c.ipHash.slice(0, 6)}</span> : null} · {historyText(c.authorHistory)} · on {c.thread.title || c.thread.uri}
      </p>
      <div class="body" dangerouslySetInnerHTML={{ __html: c.html }}></div>
      <form method="post" action="/mod/ban">
        <input type="hidden" name="comment" value={c.id} />
        <input type="hidden" name="return" value={returnTo} />
        <fieldset>
          <legend>Ban</legend>
          <label class="check">
            <input type="checkbox" name="byEmail" value="1" checked={!!c.email} disabled={!c.email} /> their email address{c.email ? ` (${c.email})` : ' (none given)'}
          </label>
          <label class="check">
            <input type="checkbox" name="byIp" value="1" disabled={!c.ipHash} /> their IP address{c.ipHash ? ` (key ${c.ipHash.slice(0, 6)}; shared networks ban others too)` : ' (not on record)'}
          </label>
          <FieldError id="what" error={errors.email} />
        </fieldset>
        <fieldset>
          <legend>Where</legend>
          <label class="check">
            <input type="radio" name="scope" value="site" checked /> on {site.name} only
          </label>
          {canGlobal ? (
            <label class="check">
              <input type="radio" name="scope" value="global" /> on every site
            </label>
          ) : null}
        </fieldset>
        <div class="grid2">
          <div class="field">
            <label for="duration">For how long</label>
            <select id="duration" name="duration">
              <option value="1">1 day</option>
              <option value="7">7 days</option>
              <option value="30" selected>
                30 days
              </option>
              <option value="365">1 year</option>
              <option value="0">Forever</option>
            </select>
          </div>
          <div class="field">
            <label for="reason">Reason</label>
            <input type="text" id="reason" name="reason" maxlength={500} required placeholder="Kept in the audit log" {...described('reason', errors.reason)} />
            <FieldError id="reason" error={errors.reason} />
          </div>
        </div>
        <label class="check">
          <input type="checkbox" name="rejectExisting" value="1" /> Also reject their other comments (pending and published)
        </label>
        <p>
          <button class="btn primary" type="submit">
            Ban
          </button>{' '}
          <a class="btn link" href={returnTo}>
            Cancel
          </a>
        </p>
      </form>
    </div>
  </Layout>
)

export const BansPage: FC<{ m: ModeratorIdentity; bans: Ban[]; sites: Map<string, Site>; settingsSite: string | null; flash: Flash | null }> = ({
  m,
  bans,
  sites,
  settingsSite,
  flash,
}) => (
  <Layout title="Bans" m={m} nav="bans" settingsSite={settingsSite} flash={flash}>
    <h1>Bans</h1>
    {bans.length === 0 ? (
      <p class="empty">No bans. Ban an author from a comment in the queue.</p>
    ) : (
      <div class="table-wrap">
        <table>
          <caption class="sr">Bans, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Where</th>
              <th scope="col">Reason</th>
              <th scope="col">Until</th>
              <th scope="col">By</th>
              <th scope="col">
                <span class="sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {bans.map((b) => (
              <tr>
                <td>
                  {b.email ?? ''} {b.ipHash ? <span class="badge">IP {b.ipHash.slice(0, 6)}</span> : null}
                </td>
                <td>{b.site ? (sites.get(b.site)?.name ?? b.site) : 'every site'}</td>
                <td>{b.reason}</td>
                <td>{b.active ? (b.expiresAt ? <Time at={b.expiresAt} /> : 'forever') : <span class="pill deleted">expired</span>}</td>
                <td class="small">{b.createdBy?.email ?? ''}</td>
                <td>
                  <form method="post" action={`/mod/bans/${b.id}/delete`}>
                    <button class="btn" type="submit">
                      Lift
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </Layout>
)

export const ThreadsPage: FC<{
  m: ModeratorIdentity
  sites: Site[]
  site: string | undefined
  q: string | undefined
  items: ModThread[]
  nextCursor: string | null
  flash: Flash | null
}> = ({ m, sites, site, q, items, nextCursor, flash }) => {
  const siteMap = new Map(sites.map((s) => [s.id, s]))
  const more = new URLSearchParams({ ...(site ? { site } : {}), ...(q ? { q } : {}), ...(nextCursor ? { cursor: nextCursor } : {}) })
  return (
    <Layout title="Threads" m={m} nav="threads" settingsSite={site ?? sites[0]?.id ?? null} flash={flash}>
      <h1>Threads</h1>
      <form class="filters" method="get" action="/mod/threads" role="search">
        {sites.length > 1 ? (
          <div>
            <label for="t-site" class="sr">
              Site
            </label>
            <select id="t-site" name="site" data-autosubmit>
              <option value="">All sites</option>
              {sites.map((s) => (
                <option value={s.id} selected={s.id === site}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="grow">
          <label for="t-q" class="sr">
            Search threads
          </label>
          <input type="search" id="t-q" name="q" value={q ?? ''} placeholder="Title or path" />
        </div>
        <button class="btn" type="submit">
          Search
        </button>
      </form>
      {items.length === 0 ? (
        <p class="empty">No threads yet. A thread starts with its first comment.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr">Threads, newest first, with their comments per status</caption>
            <thead>
              <tr>
                <th scope="col">Article</th>
                <th scope="col" class="num">Pending</th>
                <th scope="col" class="num">Approved</th>
                <th scope="col" class="num">Rejected</th>
                <th scope="col" class="num">Spam</th>
                <th scope="col">Comments</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr>
                  <td>
                    <a href={`/mod/threads/${t.id}`}>{t.title || t.uri}</a>
                    <div class="muted small">
                      {sites.length > 1 ? `${siteMap.get(t.site)?.name ?? t.site} · ` : ''}
                      {t.uri}
                      {t.authors.length ? ` · by ${t.authors.join(', ')}` : ''}
                    </div>
                  </td>
                  <td class="num">{t.counts.pending ? <a href={`/mod/queue?queue=pending&thread=${t.id}`}>{t.counts.pending}</a> : 0}</td>
                  <td class="num">{t.counts.approved}</td>
                  <td class="num">{t.counts.rejected}</td>
                  <td class="num">{t.counts.spam}</td>
                  <td>{t.closed ? <span class="pill deleted">closed</span> : <span class="pill approved">open</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <div class="pager">
          <a class="btn" href={`/mod/threads?${more}`}>
            Older threads →
          </a>
        </div>
      ) : null}
    </Layout>
  )
}

export const ThreadPage: FC<{
  m: ModeratorIdentity
  site: Site
  thread: ModThread
  comments: ModComment[]
  authors: Author[]
  flash: Flash | null
}> = ({ m, site, thread, comments, authors, flash }) => {
  const sites = new Map([[site.id, site]])
  const returnTo = `/mod/threads/${thread.id}`
  const origin = site.settings.origins[0]
  return (
    <Layout title={thread.title || thread.uri} m={m} nav="threads" settingsSite={site.id} flash={flash}>
      <p class="muted small">
        <a href="/mod/threads">Threads</a> › {site.name}
      </p>
      <h1>{thread.title || thread.uri}</h1>
      <p class="meta">
        {origin ? (
          <a href={origin + thread.uri} target="_blank" rel="noopener">
            {origin + thread.uri}
          </a>
        ) : (
          <span>{thread.uri}</span>
        )}
        <span>
          {thread.counts.approved} approved · {thread.counts.pending} pending · {thread.counts.rejected} rejected · {thread.counts.spam} spam
        </span>
        {thread.closed ? <span class="pill deleted">closed</span> : <span class="pill approved">open</span>}
        {thread.counts.pending ? <a href={`/mod/queue?queue=pending&thread=${thread.id}`}>Open its pending queue</a> : null}
      </p>
      <div class="grid2">
        <form method="post" action={`/mod/threads/${thread.id}`} class="panel">
          <h2>Posting</h2>
          <input type="hidden" name="closed" value={thread.closed ? '0' : '1'} />
          <p class="muted small">{thread.closed ? 'Closed: nobody can post here.' : 'Open: readers can post here.'}</p>
          <button class="btn" type="submit">
            {thread.closed ? 'Reopen the thread' : 'Close the thread'}
          </button>
        </form>
        <form method="post" action={`/mod/threads/${thread.id}/authors`} class="panel">
          <h2>Article authors</h2>
          {authors.length === 0 ? (
            <p class="muted small">No article authors are registered for {site.name}. An admin adds them in the settings.</p>
          ) : (
            <fieldset>
              <legend>Notified of new comments</legend>
              {authors.map((a) => (
                <label class="check">
                  <input type="checkbox" name="authors" value={a.handle} checked={thread.authors.includes(a.handle)} /> {a.name}{' '}
                  <span class="muted small">({a.handle})</span>
                </label>
              ))}
            </fieldset>
          )}
          <button class="btn" type="submit" disabled={authors.length === 0}>
            Save authors
          </button>
        </form>
      </div>
      <h2>The thread as readers see it</h2>
      <form id="queue-form" method="post" action="/mod/act" class="thread">
        <input type="hidden" name="return" value={returnTo} />
        {comments.length === 0 ? <p class="empty">No comments.</p> : null}
        <ol class="cards" id="queue-list" data-queue="all" aria-label="Comments in thread order">
          {comments.map((c) => (
            <Card c={c} sites={sites} returnTo={returnTo} showSite={false} selectable={false} depth={c.depth} inThread />
          ))}
        </ol>
      </form>
      <KeysHelp />
      <Toast />
    </Layout>
  )
}

export const CommentPage: FC<{ m: ModeratorIdentity; site: Site; c: ModComment; audit: AuditItem[]; flash: Flash | null }> = ({ m, site, c, audit, flash }) => (
  <Layout title="Comment" m={m} nav="queue" settingsSite={site.id} flash={flash}>
    <p class="muted small">
      <a href={`/mod/threads/${c.thread.id}`}>{c.thread.title || c.thread.uri}</a>
    </p>
    <h1>Comment by {c.author.name || 'Anonymous'}</h1>
    <form id="queue-form" method="post" action="/mod/act">
      <input type="hidden" name="return" value={`/mod/comments/${c.id}`} />
      <ol class="cards" id="queue-list" data-queue="all">
        <Card c={c} sites={new Map([[site.id, site]])} returnTo={`/mod/comments/${c.id}`} showSite={false} selectable={false} />
      </ol>
    </form>
    <h2>History</h2>
    <AuditTable items={audit} />
    <Toast />
  </Layout>
)

const AuditTable: FC<{ items: AuditItem[] }> = ({ items }) =>
  items.length === 0 ? (
    <p class="empty">Nothing recorded.</p>
  ) : (
    <div class="table-wrap">
      <table>
        <caption class="sr">Audit log entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Comment</th>
            <th scope="col">Change</th>
            <th scope="col">Reason / details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr>
              <td class="small">
                <Time at={a.at} />
              </td>
              <td class="small">{a.actor ? a.actor.email ?? a.actor.id : <span class="muted">system</span>}</td>
              <td>{a.action}</td>
              <td class="small">{a.commentId ? <a href={`/mod/comments/${a.commentId}`}>{a.commentId.slice(0, 8)}</a> : ''}</td>
              <td class="small">{a.from || a.to ? `${a.from ?? '—'} → ${a.to ?? '—'}` : ''}</td>
              <td class="small">
                {a.reason ?? ''}
                {a.details ? <span class="muted"> {detailsText(a.details)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )

function detailsText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== false && v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ')
}

export const AuditPage: FC<{
  m: ModeratorIdentity
  sites: Site[]
  filter: { site?: string | undefined; actor?: string | undefined; commentId?: string | undefined }
  items: AuditItem[]
  nextCursor: string | null
}> = ({ m, sites, filter, items, nextCursor }) => {
  const more = new URLSearchParams(
    Object.entries({ ...filter, cursor: nextCursor ?? undefined }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  )
  return (
    <Layout title="Audit log" m={m} nav="audit" settingsSite={filter.site ?? sites[0]?.id ?? null}>
      <h1>Audit log</h1>
      <form class="filters" method="get" action="/mod/audit" role="search">
        {sites.length > 1 ? (
          <div>
            <label for="a-site">Site</label>
            <br />
            <select id="a-site" name="site">
              <option value="">All sites</option>
              {sites.map((s) => (
                <option value={s.id} selected={s.id === filter.site}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="grow">
          <label for="a-actor">Who</label>
          <br />
          <input type="text" id="a-actor" name="actor" value={filter.actor ?? ''} placeholder="email, user id or system" />
        </div>
        <div class="grow">
          <label for="a-comment">Comment id</label>
          <br />
          <input type="text" id="a-comment" name="commentId" value={filter.commentId ?? ''} />
        </div>
        <button class="btn" type="submit">
          Filter
        </button>
      </form>
      <AuditTable items={items} />
      {nextCursor ? (
        <div class="pager">
          <a class="btn" href={`/mod/audit?${more}`}>
            Older entries →
          </a>
        </div>
      ) : null}
    </Layout>
  )
}
