import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

/** The small server-rendered pages behind email links: one message, at most one button. */
export function emailPage(p: { title: string; siteName?: string | null; body: Html; form?: { action: string; label: string; danger?: boolean } }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${p.title}${p.siteName ? ` · ${p.siteName}` : ''}</title>
<style>
body{margin:0;background:#f4f5f7;font:16px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d1f23}
main{max-width:520px;margin:10vh auto;padding:24px 28px;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}
.site{color:#6b7280;font-size:14px;margin-bottom:8px}
blockquote{margin:12px 0;padding:6px 12px;border-left:3px solid #d0d4da;white-space:pre-wrap;color:#333}
button{font:inherit;font-weight:600;padding:8px 18px;border:0;border-radius:5px;background:#1f5fbf;color:#fff;cursor:pointer}
button.danger{background:#b42318}
.muted{color:#6b7280;font-size:14px}
</style>
</head>
<body>
<main>
${p.siteName ? html`<div class="site">${p.siteName}</div>` : ''}
<h1>${p.title}</h1>
${p.body}
${p.form
  ? html`<form method="post" action="${p.form.action}"><button type="submit"${p.form.danger ? html` class="danger"` : ''}>${p.form.label}</button></form>`
  : ''}
</main>
</body>
</html>`
}
