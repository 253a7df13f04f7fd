import { Hono, type Context } from 'hono'
import { html } from 'hono/html'
import type { AppEnv } from '../deps.js'
import { errorBody } from '../errors.js'
import { isLoopback } from '../http/client-ip.js'

function headers(c: Context<AppEnv>) {
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
  // The stored HTML is shown in a sandboxed srcdoc iframe: no scripts, links open in a new tab.
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'; form-action 'none'; base-uri 'none'")
}

const STYLE = html`<style>
body{margin:0;font:15px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d1f23;background:#f4f5f7}
main{max-width:960px;margin:0 auto;padding:24px 16px}
table{width:100%;border-collapse:collapse;background:#fff}
td,th{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e7eb;font-size:14px;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;background:#fff;padding:12px;font-size:14px}
dt{color:#6b7280}dd{margin:0;word-break:break-all}
pre{white-space:pre-wrap;background:#fff;padding:12px;font-size:13px}
iframe{width:100%;height:70vh;border:1px solid #d0d4da;background:#fff}
</style>`

/**
 * The mailbox holds commenters' addresses and live moderation links: only the machine itself
 * may look, decided by the socket's peer address — never a header, whatever TRUST_PROXY says
 * (HOST defaults to 0.0.0.0, so the server is reachable from the network).
 */
export function devMailVisible(c: Context<AppEnv>): boolean {
  return isLoopback(c.var.deps.socketIp?.(c))
}

/** The development mailbox: what Parley would have sent, when no SMTP_URL is set. Never in production. */
export const devMailRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    if (!devMailVisible(c)) return c.json(errorBody('not_found', 'No such endpoint.'), 404)
    await next()
  })
  .get('/', async (c) => {
    const rows = await c.var.deps.db
      .selectFrom('dev_mailbox')
      .select(['id', 'to_address', 'subject', 'created_at'])
      .orderBy('id', 'desc')
      .limit(200)
      .execute()
    headers(c)
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dev mailbox · Parley</title>${STYLE}</head>
<body><main>
<h1>Dev mailbox</h1>
<p>Email Parley would have sent (no <code>SMTP_URL</code> is set). Newest first; the last 200.</p>
${rows.length === 0
  ? html`<p>No mail yet.</p>`
  : html`<table><thead><tr><th>#</th><th>When</th><th>To</th><th>Subject</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${String(r.id)}</td><td>${new Date(r.created_at).toISOString()}</td><td>${r.to_address}</td><td><a href="/dev/mail/${String(r.id)}">${r.subject}</a></td></tr>`)}
</tbody></table>`}
</main></body></html>`)
  })
  .get('/:id', async (c) => {
    const id = c.req.param('id')
    if (!/^\d{1,18}$/.test(id)) return c.json(errorBody('not_found', 'No such message.'), 404)
    const m = await c.var.deps.db.selectFrom('dev_mailbox').selectAll().where('id', '=', id).executeTakeFirst()
    if (!m) return c.json(errorBody('not_found', 'No such message.'), 404)
    const hdrs = (typeof m.headers === 'string' ? JSON.parse(m.headers) : m.headers) as Record<string, string>
    // Links inside the sandboxed frame open in a new tab (the sandbox blocks navigating this one).
    const srcdoc = `<base target="_blank">${m.html_body}`
    headers(c)
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${m.subject} · Dev mailbox</title>${STYLE}</head>
<body><main>
<p><a href="/dev/mail">← All mail</a></p>
<h1>${m.subject}</h1>
<dl>
<dt>Message-ID</dt><dd>${m.message_id}</dd>
<dt>From</dt><dd>${m.from_address}</dd>
<dt>To</dt><dd>${m.to_address}</dd>
${m.reply_to ? html`<dt>Reply-To</dt><dd>${m.reply_to}</dd>` : ''}
<dt>Date</dt><dd>${new Date(m.created_at).toISOString()}</dd>
${Object.entries(hdrs).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
</dl>
<h2>HTML</h2>
<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${srcdoc}" title="The email's HTML part"></iframe>
<h2>Text</h2>
<pre>${m.text_body}</pre>
</main></body></html>`)
  })
