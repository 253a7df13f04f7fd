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
    <h2>History</h2>
    <AuditTable items={audit} />
    <Toast />
  </Layout>
)
