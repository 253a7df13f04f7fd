import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { Ban } from '../moderation/bans.service.js'
import type { ModComment } from '../moderation/mod.mapper.js'
import type { Site } from '../sites/site.service.js'
import { described, FieldError } from './fields.js'
import { Layout, Time, type Flash } from './layout.js'
import { historyText } from './queue.js'

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
