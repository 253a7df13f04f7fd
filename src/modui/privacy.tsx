import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import type { PrivacyExport } from '../privacy/privacy.mapper.js'
import type { Site } from '../sites/site.service.js'
import { described, FieldError } from './fields.js'
import { Layout, StatusPill, Time, type Flash } from './layout.js'

/**
 * The desk's Privacy page (admins): look up an address a reader asked about, see what the site
 * holds, download it, erase it. The address travels in form bodies only, never in a URL.
 */
export const PrivacyPage: FC<{
  m: ModeratorIdentity
  sites: Site[]
  site: string | null
  email: string
  error?: string | undefined
  data?: PrivacyExport | null
  confirmErase?: boolean
  flash?: Flash | null
}> = ({ m, sites, site, email, error, data, confirmErase, flash }) => {
  const siteName = sites.find((s) => s.id === site)?.name ?? site ?? ''
  const hidden = (
    <>
      <input type="hidden" name="site" value={site ?? ''} />
      <input type="hidden" name="email" value={email} />
    </>
  )
  return (
    <Layout title="Privacy requests" m={m} nav="privacy" settingsSite={site} flash={flash ?? null}>
      <h1>Privacy requests</h1>
      <p class="muted">
        When a reader asks what you hold about them, or to be forgotten: look up their address, download what the site holds, or
        erase it. Readers can also do this themselves from the link under the comment form. Lookups and erasures are in the audit
        log (with the address’s key, never the address).
      </p>
      <form method="post" action="/mod/privacy" class="panel filters" role="search" novalidate>
        {sites.length > 1 ? (
          <div>
            <label for="p-site">Site</label>
            <br />
            <select id="p-site" name="site">
              {sites.map((s) => (
                <option value={s.id} selected={s.id === site}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <input type="hidden" name="site" value={site ?? ''} />
        )}
        <div class="grow">
          <label for="p-email">Email address</label>
          <br />
          <input type="email" id="p-email" name="email" value={email} required autocomplete="off" {...described('p-email', error)} />
          <FieldError id="p-email" error={error} />
        </div>
        <button class="btn primary" type="submit">
          Look up
        </button>
      </form>

      {data ? (
        <section class="panel" aria-labelledby="held">
          <h2 id="held">
            {siteName} holds {data.comments.length === 1 ? '1 comment' : `${data.comments.length} comments`} and{' '}
            {data.subscriptions.length === 1 ? '1 subscription' : `${data.subscriptions.length} subscriptions`} for this address
          </h2>
          {confirmErase ? (
            <div class="notice bad" role="alert">
              <p>
                <strong>Erase everything for this address on {siteName}?</strong> Comments others replied to stay as empty “deleted”
                placeholders; all others are deleted with their reports; subscriptions and every email to the address or about
                its comments go. This cannot be undone.
              </p>
              <div class="inline">
                <form method="post" action="/mod/privacy/erase">
                  {hidden}
                  <input type="hidden" name="confirm" value="yes" />
                  <button class="btn bad" type="submit">
                    Yes, erase everything
                  </button>
                </form>
                <form method="post" action="/mod/privacy">
                  {hidden}
                  <button class="btn" type="submit">
                    Cancel
                  </button>
                </form>
              </div>
            </div>
          ) : (
            <div class="inline">
              <form method="post" action="/mod/privacy/download">
                {hidden}
                <button class="btn" type="submit">
                  Download (JSON)
                </button>
              </form>
              <form method="post" action="/mod/privacy/erase">
                {hidden}
                <button class="btn bad" type="submit">
                  Erase everything…
                </button>
              </form>
            </div>
          )}
          <h3>Subscriptions</h3>
          {data.subscriptions.length === 0 ? (
            <p class="muted small">None.</p>
          ) : (
            <ul class="small">
              {data.subscriptions.map((s) => (
                <li>
                  {s.uri ?? 'Reply emails (the whole site)'} — since <Time at={s.createdAt} />
                  {s.unsubscribedAt ? ', stopped' : s.confirmedAt ? ', confirmed' : ', not confirmed'}
                </li>
              ))}
            </ul>
          )}
          <h3>Comments</h3>
          {data.comments.length === 0 ? (
            <p class="muted small">None.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr">Comments from this address, oldest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Thread</th>
                    <th scope="col">Status</th>
                    <th scope="col">Name and text</th>
                  </tr>
                </thead>
                <tbody>
                  {data.comments.map((c) => (
                    <tr>
                      <td class="small">
                        <Time at={c.createdAt} />
                      </td>
                      <td class="small">
                        <a href={`/mod/comments/${c.id}`}>{c.title || c.uri}</a>
                      </td>
                      <td>
                        <StatusPill status={c.status} />
                      </td>
                      <td>
                        <strong>{c.name || 'Anonymous'}</strong>
                        {c.url ? <span class="muted small"> · {c.url}</span> : null}
                        <div class="body">{c.body.length > 400 ? `${c.body.slice(0, 399)}…` : c.body}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </Layout>
  )
}
