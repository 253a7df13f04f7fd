import type { FC } from 'hono/jsx'
import type { PublicUser } from '../auth/user.service.js'
import type { ModeratorIdentity } from '../deps.js'
import type { Author } from '../sites/site-admin.service.js'
import type { Site } from '../sites/site.service.js'
import { Layout, type Flash } from './layout.js'

export const MODE_HELP: Record<'pre' | 'trusted' | 'post', [string, string]> = {
  pre: ['Hold everything', 'Every comment waits for a moderator before it appears.'],
  trusted: ['Trust known commenters', 'Publish at once when the same name and email had a comment approved before; hold first comments.'],
  post: ['Publish at once', 'Comments appear immediately (the link and word rules still hold some); moderators review afterwards.'],
}

const SORT_HELP: Record<'oldest' | 'newest' | 'best', string> = {
  oldest: 'Oldest first (as WordPress)',
  newest: 'Newest first',
  best: 'Best first (most liked)',
}

type Values = Record<string, unknown>
const lines = (v: unknown) => (Array.isArray(v) ? v.join('\n') : typeof v === 'string' ? v : '')
const num = (v: unknown) => (v === null || v === undefined ? '' : String(v))

const Err: FC<{ errors: Record<string, string>; k: string }> = ({ errors, k }) =>
  errors[k] ? (
    <p class="err" id={`s-${k}-err`}>
      {errors[k]}
    </p>
  ) : null
const aria = (errors: Record<string, string>, k: string) => (errors[k] ? { 'aria-invalid': 'true', 'aria-describedby': `s-${k}-err` } : {})

const NumberField: FC<{ k: string; label: string; hint: string; v: Values; errors: Record<string, string>; min?: number; max?: number }> = ({ k, label, hint, v, errors, min, max }) => (
  <div class="field">
    <label for={`s-${k}`}>{label}</label>
    <input type="number" id={`s-${k}`} name={k} value={num(v[k])} min={min} max={max} {...aria(errors, k)} />
    <span class="hint">{hint}</span>
    <Err errors={errors} k={k} />
  </div>
)

const ListField: FC<{ k: string; label: string; hint: string; v: Values; errors: Record<string, string>; rows?: number }> = ({ k, label, hint, v, errors, rows = 4 }) => (
  <div class="field">
    <label for={`s-${k}`}>{label}</label>
    <textarea id={`s-${k}`} name={k} rows={rows} spellcheck={false} {...aria(errors, k)}>
      {lines(v[k])}
    </textarea>
    <span class="hint">{hint}</span>
    <Err errors={errors} k={k} />
  </div>
)

const Switch: FC<{ k: string; label: string; v: Values }> = ({ k, label, v }) => (
  <label class="check">
    <input type="checkbox" name={k} value="1" checked={v[k] === true} /> {label}
  </label>
)

export const SettingsPage: FC<{
  m: ModeratorIdentity
  site: Site
  adminSites: Site[]
  values: Values
  errors: Record<string, string>
  moderators: (PublicUser & { failedSignIns: number })[]
  authors: Author[]
  publicUrl: string
  flash: Flash | null
}> = ({ m, site, adminSites, values: v, errors, moderators, authors, publicUrl, flash }) => {
  const base = `/mod/sites/${site.id}`
  const snippet = `<div id="parley" data-site="${site.id}" data-uri="/path/of/the/article" data-title="The article's title" data-author="author-handle"></div>\n<script src="${publicUrl}/embed.js" async></script>`
  return (
    <Layout title={`Settings · ${site.name}`} m={m} nav="settings" settingsSite={site.id} flash={flash}>
      <h1>Settings · {site.name}</h1>
      {adminSites.length > 1 ? (
        <p class="muted small">
          Other sites:{' '}
          {adminSites
            .filter((s) => s.id !== site.id)
            .map((s, i) => (
              <>
                {i ? ', ' : ''}
                <a href={`/mod/sites/${s.id}/settings`}>{s.name}</a>
              </>
            ))}
        </p>
      ) : null}
      <nav aria-label="Sections" class="muted small">
        <a href="#moderation">Moderation</a> · <a href="#moderators">Moderators</a> · <a href="#authors">Article authors</a> · <a href="#embed">Embed</a> · <a href={`${base}/import`}>Import and export</a>
      </nav>

      <form method="post" action={`${base}/settings`} class="panel" aria-labelledby="moderation" novalidate>
        <h2 id="moderation">Moderation</h2>
        {Object.keys(errors).length ? (
          <div class="notice bad" role="alert">
            Some settings are not valid; nothing was saved. See the marked fields.
          </div>
        ) : null}
        <fieldset>
          <legend>Moderation mode</legend>
          {(['pre', 'trusted', 'post'] as const).map((mode) => (
            <label class="mode">
              <input type="radio" name="moderationMode" value={mode} checked={v.moderationMode === mode} />
              <span>
                <strong>{MODE_HELP[mode][0]}</strong>
                <span>{MODE_HELP[mode][1]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div class="grid2">
          <div>
            <NumberField k="maxLinks" label="Hold comments with this many links" hint="Bare URLs count too. 0 holds any comment with a link." v={v} errors={errors} min={0} max={100} />
            <NumberField k="floodSeconds" label="Seconds between comments" hint="From the same IP or email address (flood control). 0 turns it off." v={v} errors={errors} min={0} />
            <NumberField k="maxDepth" label="Reply depth" hint="Levels of replies, 1–10 (1: no replies)." v={v} errors={errors} min={1} max={10} />
          </div>
          <div>
            <NumberField k="editWindowSeconds" label="Edit window (seconds)" hint="How long a commenter may edit or delete their comment. 900 = 15 minutes." v={v} errors={errors} min={0} />
            <NumberField k="closeAfterDays" label="Close threads after (days)" hint="Empty: threads stay open." v={v} errors={errors} min={1} />
            <fieldset>
              <legend>Required fields</legend>
              <Switch k="requireNameEmail" label="Commenters must give a name and an email address" v={v} />
            </fieldset>
          </div>
        </div>
        <div class="grid2">
          <ListField k="moderationKeys" label="Hold comments containing" hint="One word or phrase per line; matched anywhere in name, email, website, text, IP or browser." v={v} errors={errors} rows={5} />
          <ListField k="disallowedKeys" label="Mark as spam comments containing" hint="One per line, matched the same way. Spam is never shown." v={v} errors={errors} rows={5} />
        </div>
        <ListField k="origins" label="Origins allowed to embed comments" hint="One per line, like https://news.example (no path)." v={v} errors={errors} rows={3} />
        <ListField k="threadQueryParams" label="Query parameters that name a page" hint="One per line, e.g. p and page_id for WordPress's /?p=4 links; every other query string is ignored." v={v} errors={errors} rows={2} />
        <fieldset>
          <legend>Notifications</legend>
          <Switch k="notifyModerators" label="Email moderators when a comment is held" v={v} />
          <Switch k="replyNotifications" label="Let commenters ask for reply emails" v={v} />
          <ListField k="moderatorEmails" label="Moderator notification addresses" hint="One per line. Empty: every moderator of the site." v={v} errors={errors} rows={3} />
        </fieldset>
        <fieldset id="readers">
          <legend>Readers</legend>
          <p class="hint">How a thread is ordered until a reader picks an order (best: the most liked first, by the lower bound of the Wilson score).</p>
          {(['oldest', 'newest', 'best'] as const).map((sort) => (
            <label class="mode">
              <input type="radio" name="defaultSort" value={sort} checked={v.defaultSort === sort} />
              <span>
                <strong>{SORT_HELP[sort]}</strong>
              </span>
            </label>
          ))}
          <Switch k="downvotes" label="Let readers vote comments down (upvotes are always on)" v={v} />
        </fieldset>
        <fieldset id="retention">
          <legend>Retention (days; 0 keeps forever)</legend>
          <div class="grid2">
            <NumberField k="spamRetentionDays" label="Delete spam after" hint="Counted from when it became spam." v={v} errors={errors} min={0} max={36500} />
            <NumberField k="rejectedRetentionDays" label="Delete rejected comments after" hint="Counted from when it was rejected." v={v} errors={errors} min={0} max={36500} />
            <NumberField k="ipRetentionDays" label="Forget IP keys and browsers after" hint="Older comments can then no longer be banned by IP." v={v} errors={errors} min={0} max={36500} />
          </div>
        </fieldset>
        <button class="btn primary" type="submit">
          Save settings
        </button>
      </form>

      <section class="panel" aria-labelledby="moderators">
        <h2 id="moderators">Moderators</h2>
        <div class="table-wrap">
          <table>
            <caption class="sr">People who moderate {site.name}</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Sites</th>
                <th scope="col">
                  <span class="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {moderators.map((u) => {
                const self = u.id === m.id
                const locked = self || (u.sites === null && m.sites !== null)
                return (
                  <tr>
                    <td>{u.email}</td>
                    <td>
                      {locked ? (
                        u.role
                      ) : (
                        <form method="post" action={`${base}/moderators/${u.id}/role`} class="inline">
                          <label class="sr" for={`role-${u.id}`}>
                            Role of {u.email}
                          </label>
                          <select id={`role-${u.id}`} name="role">
                            <option value="moderator" selected={u.role === 'moderator'}>
                              moderator
                            </option>
                            <option value="admin" selected={u.role === 'admin'}>
                              admin
                            </option>
                          </select>
                          <button class="btn" type="submit">
                            Change
                          </button>
                        </form>
                      )}
                    </td>
                    <td class="small">{u.sites === null ? 'every site' : u.sites.join(', ')}</td>
                    <td>
                      {u.failedSignIns > 0 && (self || !locked) ? (
                        <form method="post" action={`${base}/moderators/${u.id}/unlock`} class="inline">
                          <span class="small" id={`fails-${u.id}`}>
                            {u.failedSignIns} failed sign-in{u.failedSignIns === 1 ? '' : 's'} today
                          </span>
                          <button class="btn" type="submit" aria-describedby={`fails-${u.id}`} aria-label={`Clear the sign-in lock of ${u.email}`}>
                            Clear sign-in lock
                          </button>
                        </form>
                      ) : null}
                      {locked ? (
                        self ? <span class="muted small">you</span> : null
                      ) : (
                        <form method="post" action={`${base}/moderators/${u.id}/remove`}>
                          <button class="btn bad" type="submit" aria-label={`Remove ${u.email}`}>
                            Remove
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        <h3>Invite a moderator</h3>
        <form method="post" action={`${base}/moderators`} class="inline">
          <label class="sr" for="invite-email">
            Email address
          </label>
          <input type="email" id="invite-email" name="email" required placeholder="name@newsroom.example" autocomplete="off" />
          <label class="sr" for="invite-role">
            Role
          </label>
          <select id="invite-role" name="role">
            <option value="moderator">moderator</option>
            <option value="admin">admin</option>
          </select>
          <button class="btn primary" type="submit">
            Send invite
          </button>
        </form>
        <p class="muted small">They get an email with a link to choose a password (valid 7 days, works once); you also see the link here.</p>
      </section>

      <section class="panel" aria-labelledby="authors">
        <h2 id="authors">Article authors</h2>
        <p class="muted small">
          Authors get an email when a comment on their article is published. An embed names its author with <code>data-author</code>.
        </p>
        {authors.length ? (
          <div class="table-wrap">
            <table>
              <caption class="sr">Article authors of {site.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Handle</th>
                  <th scope="col">Name, email and notifications</th>
                  <th scope="col">
                    <span class="sr">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {authors.map((a) => (
                  <tr>
                    <td>
                      <code>{a.handle}</code>
                    </td>
                    <td>
                      <form method="post" action={`${base}/authors/${a.handle}`} class="inline">
                        <label class="sr" for={`an-${a.handle}`}>
                          Name
                        </label>
                        <input type="text" id={`an-${a.handle}`} name="name" value={a.name} required />
                        <label class="sr" for={`ae-${a.handle}`}>
                          Email
                        </label>
                        <input type="email" id={`ae-${a.handle}`} name="email" value={a.email} required />
                        <label class="check">
                          <input type="checkbox" name="notify" value="1" checked={a.notify} /> notify
                        </label>
                        <button class="btn" type="submit">
                          Save
                        </button>
                      </form>
                    </td>
                    <td>
                      <form method="post" action={`${base}/authors/${a.handle}/remove`}>
                        <button class="btn bad" type="submit" aria-label={`Remove ${a.name}`}>
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">No article authors yet.</p>
        )}
        <h3>Add an author</h3>
        <form method="post" action={`${base}/authors`} class="inline">
          <label class="sr" for="new-handle">
            Handle
          </label>
          <input type="text" id="new-handle" name="handle" required placeholder="handle, e.g. ashley-davis" pattern="[a-z0-9][a-z0-9._\-]*" />
          <label class="sr" for="new-name">
            Name
          </label>
          <input type="text" id="new-name" name="name" required placeholder="Name" />
          <label class="sr" for="new-email">
            Email
          </label>
          <input type="email" id="new-email" name="email" required placeholder="Email" />
          <label class="check">
            <input type="checkbox" name="notify" value="1" checked /> notify
          </label>
          <button class="btn primary" type="submit">
            Add author
          </button>
        </form>
      </section>

      <section class="panel" aria-labelledby="embed">
        <h2 id="embed">Embed snippet</h2>
        <p class="muted small">Put this where the comments go on an article page; set the path, title and author for each article.</p>
        <pre class="snippet" id="snippet">{snippet}</pre>
        <button class="btn" type="button" data-copy="snippet" hidden>
          Copy the snippet
        </button>
      </section>
    </Layout>
  )
}
