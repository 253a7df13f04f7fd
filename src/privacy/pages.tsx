import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase64 } from '@oslojs/encoding'
import { raw } from 'hono/html'
import type { Child, FC } from 'hono/jsx'
import type { SiteSettings } from '../sites/settings.js'
import type { PrivacyExport } from './privacy.mapper.js'

/**
 * The reader's privacy pages: plain server-rendered HTML with forms (no script), light and dark,
 * usable at 375 px and by keyboard. One inline stylesheet, allowed by its hash in the CSP.
 */
const CSS = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d1f23;--muted:#5b616b;--line:#d9dce1;--accent:#1f5fbf;--accent-text:#fff;
--bad:#b42318;--bad-soft:#fdecea;--ok:#16692e;--ok-soft:#e6f4ea;--warn:#8a5a00;--warn-soft:#fff4d6;--quote:#f6f7f9;--focus:#1f5fbf}
@media (prefers-color-scheme:dark){:root{--bg:#121416;--card:#1d2024;--text:#e8eaed;--muted:#a9afb8;--line:#3a3f46;--accent:#8ab4f8;--accent-text:#0d1b2e;
--bad:#f2b8b5;--bad-soft:#3b1f1d;--ok:#8fd6a2;--ok-soft:#1c3324;--warn:#f0c674;--warn-soft:#3a3220;--quote:#262a2f;--focus:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:640px;margin:6vh auto;padding:24px 22px;background:var(--card);border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
@media (max-width:520px){main{margin:0;border-radius:0;min-height:100vh;padding:20px 16px}}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:4px}
h1{font-size:22px;line-height:1.3;margin:0 0 12px}
h2{font-size:17px;margin:28px 0 10px}
.site{color:var(--muted);font-size:14px;margin:0 0 6px}
.muted{color:var(--muted);font-size:14px}
label{display:block;font-weight:600;margin:0 0 6px}
input[type=email]{width:100%;font:inherit;padding:10px 12px;min-height:44px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--text)}
input[aria-invalid=true]{border-color:var(--bad)}
.err{color:var(--bad);font-size:14px;margin:6px 0 0}
button,.btn{display:inline-flex;align-items:center;justify-content:center;min-height:44px;font:inherit;font-weight:600;padding:8px 18px;border:1px solid var(--accent);border-radius:6px;background:var(--accent);color:var(--accent-text);cursor:pointer;text-decoration:none}
button.secondary,.btn.secondary{background:transparent;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad);color:var(--card)}
.actions{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0 0}
.actions form{margin:0}
.notice{padding:10px 14px;border-radius:6px;margin:0 0 16px;background:var(--ok-soft)}
.notice.bad{background:var(--bad-soft)}
ol.comments{list-style:none;margin:0;padding:0}
ol.comments li{border-top:1px solid var(--line);padding:12px 0}
.meta{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;font-size:14px;color:var(--muted)}
.meta strong{color:var(--text)}
.follows form{margin:8px 0 0}
button.small{min-height:36px;padding:4px 12px;font-size:14px}
@media (pointer:coarse){button.small{min-height:44px}}
.pill{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;background:var(--quote);color:var(--muted)}
.pill.approved{background:var(--ok-soft);color:var(--ok)}
.pill.pending{background:var(--warn-soft);color:var(--warn)}
.pill.rejected,.pill.spam{background:var(--bad-soft);color:var(--bad)}
blockquote{margin:8px 0 0;padding:8px 12px;background:var(--quote);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 14px;margin:0}
dt{color:var(--muted)}dd{margin:0}
ul.held{margin:6px 0 0;padding-left:20px}
`
const CSS_HASH = `sha256-${encodeBase64(sha256(new TextEncoder().encode(CSS)))}`

/** Headers for every privacy page: strict CSP, and no caching or referrer (URLs carry tokens). */
export const PRIVACY_PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  // same-origin, not no-referrer: with no-referrer Chrome sends `Origin: null` on our own form
  // posts, which the cross-site guard must refuse. No page links to another origin anyway.
  'Referrer-Policy': 'same-origin',
  'X-Robots-Tag': 'noindex',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': `default-src 'none'; style-src '${CSS_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
}

const Page: FC<{ title: string; siteName?: string | null | undefined; children?: Child }> = ({ title, siteName, children }) => (
  <>
    {raw('<!doctype html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="data:," />
        <title>{siteName ? `${title} · ${siteName}` : title}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <main>
          {siteName ? <p class="site">{siteName}</p> : null}
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  </>
)

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`)

/** What the site keeps, from its retention settings (0 = kept). */
const Keeps: FC<{ s: SiteSettings }> = ({ s }) => (
  <>
    <h2>What this site keeps</h2>
    <p class="muted">
      For each comment: the name, email address and website you gave, the text, the time, your browser’s name, and a keyed
      fingerprint of your IP address (never the address itself). Your email address is never published; moderators see it.
    </p>
    <ul class="held muted">
      <li>{s.spamRetentionDays ? `Comments marked as spam are deleted after ${days(s.spamRetentionDays)}.` : 'Comments marked as spam are kept.'}</li>
      <li>{s.rejectedRetentionDays ? `Rejected comments are deleted after ${days(s.rejectedRetentionDays)}.` : 'Rejected comments are kept.'}</li>
      <li>{s.ipRetentionDays ? `IP fingerprints and browser names are removed after ${days(s.ipRetentionDays)}.` : 'IP fingerprints are kept.'}</li>
    </ul>
  </>
)

export const RequestPage: FC<{ site: { id: string; name: string; settings: SiteSettings }; error?: string | null | undefined; lang?: string | null | undefined }> = ({ site, error, lang }) => (
  <Page title="Your comments and data" siteName={site.name}>
    <p>
      Enter the email address you used to comment on {site.name}. If it has comments, reply emails or followed articles here, we send
      a link to it where you can see every comment, download them, stop all emails, or erase everything.
    </p>
    <form method="post" action="/privacy" novalidate>
      <input type="hidden" name="site" value={site.id} />
      {lang ? <input type="hidden" name="lang" value={lang} /> : null}
      <label for="email">Email address</label>
      <input
        type="email"
        id="email"
        name="email"
        autocomplete="email"
        required
        {...(error ? { 'aria-invalid': 'true', 'aria-describedby': 'email-err' } : {})}
      />
      {error ? (
        <p class="err" id="email-err" role="alert">
          {error}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit">Email me a link</button>
      </div>
    </form>
    <p class="muted">The link works for 24 hours. We send at most one an hour to an address.</p>
    <Keeps s={site.settings} />
  </Page>
)

export const RequestSentPage: FC<{ site: { id: string; name: string } }> = ({ site }) => (
  <Page title="Check your inbox" siteName={site.name}>
    <div class="notice" role="status">
      If that address has comments or reply emails on {site.name}, a link to them is on its way.
    </div>
    <p>
      The link works for 24 hours. Nothing arrives? Check your spam folder, make sure you typed the address you commented
      with, or ask again in an hour.
    </p>
    <p>
      <a href={`/privacy?site=${encodeURIComponent(site.id)}`}>Use another address</a>
    </p>
  </Page>
)

export const MessagePage: FC<{ title: string; siteName?: string | null | undefined; message: string; again?: string | null | undefined; bad?: boolean }> = ({
  title,
  siteName,
  message,
  again,
  bad,
}) => (
  <Page title={title} siteName={siteName}>
    <div class={bad ? 'notice bad' : 'notice'} role={bad ? 'alert' : 'status'}>
      {message}
    </div>
    {again ? (
      <p>
        <a href={`/privacy?site=${encodeURIComponent(again)}`}>Ask for a new link</a>
      </p>
    ) : null}
  </Page>
)

const STATUS_LABEL: Record<string, string> = {
  approved: 'published',
  pending: 'awaiting moderation',
  rejected: 'rejected',
  spam: 'marked as spam',
  deleted: 'deleted',
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/** The token travels in the form body, not in the action URL. */
const TokenForm: FC<{ action: string; token: string; children?: Child }> = ({ action, token, children }) => (
  <form method="post" action={action}>
    <input type="hidden" name="token" value={token} />
    {children}
  </form>
)

/** A followed article on the reader's page (issue 15), with its id for the "Stop" button. */
export interface FollowView {
  id: string
  uri: string | null
  title?: string
  confirmedAt: string | null
  unsubscribedAt: string | null
}

const followState = (f: { confirmedAt: string | null; unsubscribedAt: string | null }) =>
  f.unsubscribedAt ? `stopped on ${when(f.unsubscribedAt)}` : f.confirmedAt ? `on since ${when(f.confirmedAt)}` : 'asked for, not confirmed (nothing is sent)'

export const ManagePage: FC<{ siteName: string; data: PrivacyExport; token: string; flash?: string | null | undefined; follows?: FollowView[] }> = ({
  siteName,
  data,
  token,
  flash,
  follows = [],
}) => {
  const n = data.comments.length
  const replies = data.subscriptions.filter((s) => s.uri === null)
  return (
    <Page title="Your comments and data" siteName={siteName}>
      {flash ? (
        <div class="notice" role="status">
          {flash}
        </div>
      ) : null}
      <p>
        {n === 0
          ? `${siteName} holds no comments from this address.`
          : `${siteName} holds ${n === 1 ? '1 comment' : `${n} comments`} from this address, in every state, listed below.`}{' '}
        This page changes nothing until you press a button.
      </p>
      <div class="actions">
        <TokenForm action="/privacy/manage/download" token={token}>
          <button type="submit" class="secondary">
            Download (JSON)
          </button>
        </TokenForm>
        <TokenForm action="/privacy/manage/unsubscribe" token={token}>
          <button type="submit" class="secondary">
            Stop all emails
          </button>
        </TokenForm>
        <TokenForm action="/privacy/manage/erase" token={token}>
          <button type="submit" class="danger">
            Erase everything…
          </button>
        </TokenForm>
      </div>

      <h2>Reply emails</h2>
      {replies.length === 0 ? (
        <p class="muted">None: this address gets no reply emails from {siteName}.</p>
      ) : (
        <dl>
          {replies.map((s) => (
            <>
              <dt>{s.uri ?? 'Replies to your comments'}</dt>
              <dd>{followState(s)}</dd>
            </>
          ))}
        </dl>
      )}

      <h2>Articles you follow</h2>
      {follows.length === 0 ? (
        <p class="muted">None: this address gets no emails about new comments on {siteName}’s articles.</p>
      ) : (
        <ol class="comments follows">
          {follows.map((f) => (
            <li>
              <div class="meta">
                <strong>{f.title || f.uri}</strong>
                <span>{followState(f)}</span>
              </div>
              {f.unsubscribedAt ? null : (
                <TokenForm action="/privacy/manage/unfollow" token={token}>
                  <input type="hidden" name="follow" value={f.id} />
                  <button type="submit" class="secondary small" aria-label={`Stop emails about ${f.title || f.uri}`}>
                    Stop these emails
                  </button>
                </TokenForm>
              )}
            </li>
          ))}
        </ol>
      )}

      <h2>Comments</h2>
      {n === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ol class="comments">
          {data.comments.map((c) => (
            <li>
              <div class="meta">
                <strong>{c.title || c.uri}</strong>
                <time datetime={c.createdAt}>{when(c.createdAt)}</time>
                <span class={`pill ${c.status}`}>{STATUS_LABEL[c.status] ?? c.status}</span>
              </div>
              <div class="meta">
                <span>as {c.name || 'Anonymous'}</span>
                {c.url ? <span>{c.url}</span> : null}
              </div>
              {c.body ? <blockquote>{c.body}</blockquote> : null}
            </li>
          ))}
        </ol>
      )}
    </Page>
  )
}

export const EraseConfirmPage: FC<{ siteName: string; token: string; comments: number }> = ({ siteName, token, comments }) => (
  <Page title="Erase everything?" siteName={siteName}>
    <p>
      This erases {comments === 1 ? 'your 1 comment' : `all ${comments} of your comments`} on {siteName}, your reply emails and every
      email about them. A comment that others replied to stays as an empty “deleted” placeholder so their replies keep their place;
      your name, address, website and text are removed from it.
    </p>
    <p>
      <strong>This cannot be undone.</strong> Download your comments first if you want to keep them.
    </p>
    <div class="actions">
      <TokenForm action="/privacy/manage/erase" token={token}>
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">
          Yes, erase everything
        </button>
      </TokenForm>
      <a class="btn secondary" href={`/privacy/manage?token=${encodeURIComponent(token)}`}>
        Cancel
      </a>
    </div>
  </Page>
)

export const ErasedPage: FC<{ siteName: string; erased: number; tombstoned: number }> = ({ siteName, erased, tombstoned }) => (
  <Page title="Everything is erased" siteName={siteName}>
    <div class="notice" role="status">
      {erased === 0 ? 'There was nothing left to erase.' : `Erased ${erased === 1 ? '1 comment' : `${erased} comments`}.`}
      {tombstoned ? ` ${tombstoned === 1 ? 'One stays' : `${tombstoned} stay`} as an empty placeholder above other people’s replies.` : ''}
    </div>
    <p>Your reply emails have ended and the emails about your comments are gone. This link no longer works.</p>
  </Page>
)
