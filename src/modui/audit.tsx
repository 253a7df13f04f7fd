import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { AuditItem } from '../moderation/audit.service.js'
import type { Site } from '../sites/site.service.js'
import { Layout, Time } from './layout.js'

export const AuditTable: FC<{ items: AuditItem[] }> = ({ items }) =>
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
                {reasonsOf(a.details) ? (
                  <ul class="reasons">
                    {reasonsOf(a.details)!.map((r) => (
                      <li>{r}</li>
                    ))}
                  </ul>
                ) : (
                  a.reason ?? ''
                )}
                {a.details && detailsText(a.details) ? <span class="muted"> {detailsText(a.details)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )

/** A details value as words: the pipeline's reasons by their messages, nested objects as `key: value`. */
function valueText(v: unknown): string {
  if (Array.isArray(v)) return v.map(valueText).filter(Boolean).join('; ')
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (typeof o.message === 'string') return o.message
    return Object.entries(o)
      .filter(([, x]) => x !== null && x !== undefined && x !== false)
      .map(([k, x]) => (x === true ? k : `${k}: ${valueText(x)}`))
      .join(', ')
  }
  return String(v)
}

/** The pipeline's reasons (`[{phase, message}]`, also summed up in the reason column) as their messages. */
function reasonsOf(d: Record<string, unknown> | null): string[] | null {
  const r = d?.reasons
  if (!Array.isArray(r) || r.length === 0) return null
  return r.map(valueText).filter(Boolean)
}

/** The rest of an entry's details, readably (`key: value · …`). */
export function detailsText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([k]) => k !== 'reasons')
    .filter(([, v]) => v !== null && v !== false && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => (v === true ? k : `${k}: ${valueText(v)}`))
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
