import type { Child, FC } from 'hono/jsx'
import { raw } from 'hono/html'
import type { ModeratorIdentity } from '../deps.js'
import { sha256Hex } from '../lib/ids.js'
import { isAdminAnywhere, isAdminOf } from '../moderation/access.js'
import { MOD_JS } from './client.js'
import { MOD_CSS } from './styles.js'

/** Changes with the stylesheet or script, so browsers fetch the new one (they cache an hour). */
export const ASSET_VERSION = sha256Hex(MOD_CSS + MOD_JS).slice(0, 10)

export type NavKey = 'queue' | 'threads' | 'bans' | 'audit' | 'settings' | 'privacy' | null

export interface Flash {
  kind: 'ok' | 'bad'
  text: string
  /** A link to show with the message (an invite's set-password link). */
  link?: string
}

export const Notice: FC<{ flash: Flash | null | undefined }> = ({ flash }) =>
  flash ? (
    <div class={flash.kind === 'bad' ? 'notice bad' : 'notice'} role={flash.kind === 'bad' ? 'alert' : 'status'}>
      {flash.text}
      {flash.link ? (
        <>
          {' '}
          <code id="flash-link">{flash.link}</code>
        </>
      ) : null}
    </div>
  ) : null

/** What the header says the user is: one role, or which role on which site. */
export function roleLabel(m: ModeratorIdentity): string {
  const own = Object.entries(m.siteRoles)
  if (m.globalRole) {
    const more = own.filter(([, r]) => r !== m.globalRole)
    return `${m.globalRole} of every site${more.length ? `; ${more.map(([s, r]) => `${r} of ${s}`).join(', ')}` : ''}`
  }
  if (own.length === 0) return 'no sites'
  const roles = new Set(own.map(([, r]) => r))
  if (roles.size === 1 && own.length > 3) return [...roles][0]!
  return own.map(([s, r]) => `${r} of ${s}`).join(', ')
}

export const Layout: FC<{
  title: string
  m: ModeratorIdentity | null
  nav?: NavKey
  settingsSite?: string | null
  flash?: Flash | null
  children?: Child
}> = ({ title, m, nav = null, settingsSite, flash, children }) => {
  const link = (key: Exclude<NavKey, null>, href: string, label: string) => (
    <li>
      <a href={href} aria-current={nav === key ? 'page' : undefined}>
        {label}
      </a>
    </li>
  )
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <link rel="icon" href="data:," />
          <title>{`${title} · Parley`}</title>
          <link rel="stylesheet" href={`/mod/assets/mod.css?v=${ASSET_VERSION}`} />
          <script src={`/mod/assets/mod.js?v=${ASSET_VERSION}`} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <div class="in">
              <a class="brand" href="/mod">
                Parley
              </a>
              {m ? (
                <nav aria-label="Main">
                  <ul>
                    {link('queue', '/mod/queue', 'Queue')}
                    {link('threads', '/mod/threads', 'Threads')}
                    {link('bans', '/mod/bans', 'Bans')}
                    {link('audit', '/mod/audit', 'Audit log')}
                    {settingsSite && isAdminOf(m, settingsSite)
                      ? link('settings', `/mod/sites/${settingsSite}/settings`, 'Settings')
                      : isAdminAnywhere(m)
                        ? link('settings', '/mod/settings', 'Settings')
                        : null}
                    {isAdminAnywhere(m) ? link('privacy', '/mod/privacy', 'Privacy') : null}
                  </ul>
                </nav>
              ) : null}
              {m ? (
                <div class="who">
                  <span>
                    {m.email} <span class="muted small">({roleLabel(m)})</span>
                  </span>
                  <form method="post" action="/mod/logout">
                    <button class="btn" type="submit">
                      Sign out
                    </button>
                  </form>
                </div>
              ) : null}
            </div>
          </header>
          <main id="main" tabindex={-1}>
            <Notice flash={flash} />
            {children}
          </main>
          <div id="live" class="sr" role="status" aria-live="polite"></div>
        </body>
      </html>
    </>
  )
}

export const StatusPill: FC<{ status: string; extra?: string }> = ({ status, extra }) => (
  <span class={`pill status ${status}`}>{extra ?? status}</span>
)

/** A date as a <time>: the absolute UTC minute, readable and stable (no client clock needed). */
export const Time: FC<{ at: string }> = ({ at }) => (
  <time datetime={at} title={at}>
    {at.slice(0, 16).replace('T', ' ')} UTC
  </time>
)
