import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { AuditItem } from '../moderation/audit.service.js'
import type { ModComment } from '../moderation/mod.mapper.js'
import type { Site } from '../sites/site.service.js'
import { AuditTable } from './audit.js'
import { Layout, type Flash } from './layout.js'
import { Card, Toast } from './queue.js'

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
    {c.status === 'approved' ? (
      <section class="panel" aria-labelledby="reply">
        <h2 id="reply">Reply as staff</h2>
        <form method="post" action={`/mod/comments/${c.id}/reply`}>
          <p class="muted small">
            Published at once under your name with a “Staff” badge (“Author” when you are this article’s registered author). Your address stays private.
          </p>
          <label for="reply-body">Your reply to {c.author.name || 'Anonymous'}</label>
          <textarea id="reply-body" name="body" rows={5} required maxlength={65525}></textarea>
          <p>
            <button class="btn primary" type="submit">
              Reply as staff
            </button>
          </p>
        </form>
      </section>
    ) : null}
    <h2>History</h2>
    <AuditTable items={audit} />
    <Toast />
  </Layout>
)
