import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { ModComment } from '../moderation/mod.mapper.js'
import type { Author } from '../sites/site-admin.service.js'
import type { Site } from '../sites/site.service.js'
import type { ModThread } from '../threads/thread-admin.service.js'
import { Layout, type Flash } from './layout.js'
import { Card, KeysHelp, Toast } from './queue.js'

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
