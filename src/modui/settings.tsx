import type { FC } from 'hono/jsx'
import type { TeamMemberView } from '../auth/team.service.js'
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

/** The add-to-team form as sent, with what was wrong with it. */
export interface InviteForm {
  email: string
  role: string
  errors: Record<string, string>
}
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
  team: TeamMemberView[]
  invite: InviteForm | null
  authors: Author[]
  publicUrl: string
  flash: Flash | null
}> = ({ m, site, adminSites, values: v, errors, team, invite, authors, publicUrl, flash }) => {
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
        <a href="#moderation">Moderation</a> · <a href="#moderators">Team</a> · <a href="#authors">Article authors</a> · <a href="#embed">Embed</a> · <a href={`${base}/import`}>Import and export</a>
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
            <fieldset>
              <legend>Comment form</legend>
              {(['bottom', 'top'] as const).map((pos) => (
                <label class="mode">
                  <input type="radio" name="formPosition" value={pos} checked={(v.formPosition ?? 'bottom') === pos} />
                  <span>
                    <strong>{pos === 'bottom' ? 'Below the comments' : 'Above the comments'}</strong>
                    <span>{pos === 'bottom' ? 'As WordPress has it; long threads get a “Leave a Reply” link at the top.' : 'Readers meet the form first.'}</span>
                  </span>
                </label>
              ))}
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
          <Switch k="follows" label="Let readers follow an article by email (“Email me new comments on this article”)" v={v} />
          <NumberField k="followDigestMinutes" label="At most one email to a follower every (minutes)" hint="A busy thread sends each follower one digest of the new comments per this many minutes." v={v} errors={errors} min={1} max={10080} />
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
        <h2 id="moderators">Team</h2>
        <p class="muted small">
          Roles belong to this site: a change here never changes anyone’s role on another site. Admins of this site change settings, the team,
          article authors and imports; moderators work the queues. People marked “every site” are set up by the operator.
        </p>
        <div class="table-wrap">
          <table class="team">
            <caption class="sr">The team of {site.name}</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role on {site.name}</th>
                <th scope="col">
                  <span class="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {team.map((u) => {
                const self = u.userId === m.id
                // What team.service allows: never yourself, never an admin of every site; a
                // moderator of every site may be made admin here, but not removed.
                const canRole = !self && u.globalRole !== 'admin'
                const canRemove = !self && u.globalRole === null
                const canUnlock = self || u.globalRole === null || m.globalRole === 'admin'
                return (
                  <tr>
                    <td>
                      {u.email}
                      {u.everySite ? <span class="muted small"> · {u.globalRole} of every site</span> : null}
                      {u.invited ? <span class="muted small"> · invited, no password yet</span> : null}
                      {self ? <span class="muted small"> · you</span> : null}
                    </td>
                    <td>
                      {canRole ? (
                        <form method="post" action={`${base}/moderators/${u.userId}/role`} class="inline">
                          <label class="sr" for={`role-${u.userId}`}>
                            Role of {u.email} on {site.name}
                          </label>
                          <select id={`role-${u.userId}`} name="role">
                            <option value="moderator" selected={u.role === 'moderator'}>
                              moderator
                            </option>
                            <option value="admin" selected={u.role === 'admin'}>
                              admin
                            </option>
                          </select>
                          <button class="btn" type="submit" aria-label={`Change the role of ${u.email}`}>
                            Change
                          </button>
                        </form>
                      ) : (
                        u.role
                      )}
                    </td>
                    <td>
                      {u.failedSignIns > 0 && canUnlock ? (
                        <form method="post" action={`${base}/moderators/${u.userId}/unlock`} class="inline">
                          <span class="small" id={`fails-${u.userId}`}>
                            {u.failedSignIns} failed sign-in{u.failedSignIns === 1 ? '' : 's'} today
                          </span>
                          <button class="btn" type="submit" aria-describedby={`fails-${u.userId}`} aria-label={`Clear the sign-in lock of ${u.email}`}>
                            Clear sign-in lock
                          </button>
                        </form>
                      ) : null}
                      {canRemove ? (
                        <form method="post" action={`${base}/moderators/${u.userId}/remove`}>
                          <button class="btn bad" type="submit" aria-label={`Remove ${u.email} from ${site.name}`}>
                            Remove
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        <h3 id="invite-title">Add someone to the team</h3>
        <form method="post" action={`${base}/moderators`} class="invite-form" aria-labelledby="invite-title" novalidate>
          {invite?.errors && Object.keys(invite.errors).length ? (
            <div class="notice bad" role="alert">
              Nobody was added. See the marked field.
            </div>
          ) : null}
          <div class="grid2">
            <div class="field">
              <label for="invite-email">Email address</label>
              <input
                type="email"
                id="invite-email"
                name="email"
                required
                value={invite?.email ?? ''}
                placeholder="name@newsroom.example"
                autocomplete="off"
                {...(invite?.errors?.email
                  ? { 'aria-invalid': 'true', 'aria-describedby': 'invite-email-hint invite-email-err', autofocus: true }
                  : { 'aria-describedby': 'invite-email-hint' })}
              />
              <span class="hint" id="invite-email-hint">
                Someone new gets an email with a link to choose a password (valid 7 days, works once); you also see the link here. Someone who already works on
                another site simply gains this one.
              </span>
              {invite?.errors?.email ? (
                <p class="err" id="invite-email-err">
                  {invite.errors.email}
                </p>
              ) : null}
            </div>
            <div class="field">
              <label for="invite-role">Role on {site.name}</label>
              <select id="invite-role" name="role" {...(invite?.errors?.role ? { 'aria-invalid': 'true', 'aria-describedby': 'invite-role-err' } : {})}>
                <option value="moderator" selected={invite?.role !== 'admin'}>
                  moderator
                </option>
                <option value="admin" selected={invite?.role === 'admin'}>
                  admin
                </option>
              </select>
              {invite?.errors?.role ? (
                <p class="err" id="invite-role-err">
                  {invite.errors.role}
                </p>
              ) : null}
            </div>
          </div>
          <button class="btn primary" type="submit">
            Add to the team
          </button>
        </form>
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
