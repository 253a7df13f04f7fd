import type { Deps } from '../deps.js'
import { toDate } from '../db/index.js'
import { sha256Hex } from '../lib/ids.js'
import type { Site } from '../sites/site.service.js'
import { findThreadBySiteUri } from '../threads/thread.repository.js'
import { threadKey } from '../threads/uri.js'
import { renderAtom, type AtomEntry } from './atom.js'
import { findFeedComments, type FeedRow } from './feed.repository.js'

export const FEED_ENTRIES = 50

export interface Feed {
  xml: string
  etag: string
}

function entryOf(deps: Deps, site: Site, row: FeedRow, host: string): AtomEntry {
  const origin = site.settings.origins[0]
  const created = toDate(row.created_at).toISOString()
  const title = row.thread_title || row.thread_uri
  return {
    id: `tag:${host},2026:${site.id}:comment:${row.id}`,
    title: `${row.author_name || 'Anonymous'} on ${title}`,
    author: { name: row.author_name, uri: row.author_url },
    link: origin ? `${origin}${row.thread_uri}#comment-${row.id}` : null,
    published: created,
    updated: row.edited_at ? toDate(row.edited_at).toISOString() : created,
    html: row.body_html,
  }
}

function finish(entries: AtomEntry[], f: { id: string; title: string; self: string; alternate: string | null; fallbackUpdated: Date }): Feed {
  const updated = entries.reduce((max, x) => (x.updated > max ? x.updated : max), entries[0]?.updated ?? f.fallbackUpdated.toISOString())
  const xml = renderAtom({ ...f, updated, entries })
  return { xml, etag: `W/"${sha256Hex(xml).slice(0, 32)}"` }
}

/** `/feed/<site>.atom`: the site's latest published comments, newest first. */
export async function siteFeed(deps: Deps, site: Site): Promise<Feed> {
  const host = new URL(deps.config.publicUrl).host
  const rows = await findFeedComments(deps.db, { siteId: site.id, limit: FEED_ENTRIES })
  return finish(
    rows.map((r) => entryOf(deps, site, r, host)),
    {
      id: `tag:${host},2026:${site.id}:comments`,
      title: `Comments on ${site.name}`,
      self: `${deps.config.publicUrl}/feed/${site.id}.atom`,
      alternate: site.settings.origins[0] ?? null,
      fallbackUpdated: new Date(0),
    },
  )
}

/** `/feed/<site>/thread.atom?uri=`: one thread's latest published comments (an unknown thread: an empty feed). */
export async function threadFeed(deps: Deps, site: Site, uri: string): Promise<Feed> {
  const host = new URL(deps.config.publicUrl).host
  const key = threadKey(uri, site.settings.threadQueryParams)
  const thread = await findThreadBySiteUri(deps.db, site.id, key)
  const rows = thread ? await findFeedComments(deps.db, { siteId: site.id, threadId: thread.id, limit: FEED_ENTRIES }) : []
  const origin = site.settings.origins[0]
  return finish(
    rows.map((r) => entryOf(deps, site, r, host)),
    {
      id: `tag:${host},2026:${site.id}:thread:${key}`,
      title: `Comments on ${thread?.title || key}`,
      self: `${deps.config.publicUrl}/feed/${site.id}/thread.atom?uri=${encodeURIComponent(key)}`,
      alternate: origin ? origin + key : null,
      fallbackUpdated: thread ? toDate(thread.created_at) : new Date(0),
    },
  )
}
