import { Hono } from 'hono'
import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { DEMO_SITE } from '../bootstrap.js'
import type { AppEnv } from '../deps.js'
import { ARTICLE, RELATED, type Block } from './article.js'

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

// A newsroom-like page: serif article type, a measure of ~68 characters, light and dark.
const CSS = `
:root{--ink:#1a1a1a;--muted:#5c5c5c;--rule:#e3e1dc;--paper:#fdfcf9;--accent:#a4161a;--card:#f4f2ed;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--ink:#e9e7e2;--muted:#a9a59c;--rule:#34322e;--paper:#121212;--accent:#ff6b6b;--card:#1c1b19}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--paper);color:var(--ink);font:18px/1.65 Georgia,"Iowan Old Style",Charter,"DejaVu Serif",serif}
a{color:inherit}
.sans{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","DejaVu Sans",sans-serif}
.mast{border-bottom:1px solid var(--rule);padding:14px 20px;display:flex;justify-content:space-between;align-items:baseline;gap:12px;flex-wrap:wrap}
.mast .name{font-weight:700;font-size:26px;letter-spacing:-.01em;text-decoration:none}
.mast .name span{color:var(--accent)}
.mast nav{font-size:14px;color:var(--muted);display:flex;gap:18px;flex-wrap:wrap}
.mast nav a{text-decoration:none}
main{max-width:720px;margin:0 auto;padding:28px 20px 48px}
.kicker{font-size:13px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:var(--accent);margin:0 0 10px}
h1{font-size:clamp(30px,5vw,44px);line-height:1.12;letter-spacing:-.015em;margin:0 0 16px;font-weight:700}
.byline{font-size:14px;color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:10px 0;margin:0 0 28px;display:flex;gap:6px 16px;flex-wrap:wrap}
.byline strong{color:var(--ink)}
article p{margin:0 0 1.15em}
article .lede::first-letter{float:left;font-size:3.4em;line-height:.9;padding:.06em .08em 0 0;font-weight:700}
article h2{font-size:24px;line-height:1.3;margin:1.6em 0 .6em}
figure{margin:8px 0 28px}
.photo{aspect-ratio:16/9;border-radius:2px;background:linear-gradient(160deg,#c8b68e 0%,#9c7a4c 38%,#5b6d4c 70%,#2f3e46 100%);position:relative;overflow:hidden}
.photo::after{content:"";position:absolute;inset:0;background:radial-gradient(ellipse at 25% 100%,rgba(255,255,255,.22),transparent 65%)}
figcaption{font-size:13px;color:var(--muted);margin-top:8px}
.author{display:flex;gap:16px;align-items:flex-start;background:var(--card);padding:20px;border-radius:4px;margin:36px 0}
.author .pic{width:64px;height:64px;border-radius:50%;flex:none;background:var(--accent);color:var(--paper);display:grid;place-items:center;font:700 22px/1 system-ui,"DejaVu Sans",sans-serif}
.author h3{margin:0 0 2px;font-size:19px}
.author .role{font-size:13px;color:var(--muted);margin:0 0 8px}
.author p{margin:0;font-size:16px;line-height:1.55}
.section-title{font-size:13px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;border-top:3px solid var(--ink);padding-top:10px;margin:40px 0 8px}
.related{list-style:none;margin:0;padding:0}
.related li{padding:14px 0;border-bottom:1px solid var(--rule)}
.related a{font-weight:700;text-decoration:none;font-size:19px;line-height:1.3}
.related a:hover,.related a:focus-visible{text-decoration:underline}
.related p{margin:4px 0 0;font-size:15px;color:var(--muted)}
.related .count{font-size:13px;color:var(--accent);margin-left:.4em;white-space:nowrap}
#parley{--parley-bg:transparent;--parley-accent:var(--accent);--parley-focus:var(--accent);--parley-dark-bg:transparent;--parley-dark-accent:var(--accent);--parley-dark-focus:var(--accent);--parley-heading-font:Georgia,"Iowan Old Style","DejaVu Serif",serif}
.comments{border-top:3px solid var(--ink);margin-top:40px;padding-top:14px}
.foot{border-top:1px solid var(--rule);color:var(--muted);font-size:14px;padding:20px;text-align:center}
.foot a{color:var(--muted)}
.top{display:inline-block;margin-top:8px}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
@media (max-width:480px){body{font-size:17px}main{padding:20px 16px 40px}.mast{padding:12px 16px}.mast nav{display:none}.author{padding:16px}}
`

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)

const dateLine = (iso: string) =>
  new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' })

function block(b: Block, i: number): Html {
  if (b.kind === 'h2') return html`<h2>${b.text}</h2>`
  if (b.kind === 'figure')
    return html`<figure><div class="photo" role="img" aria-label="${b.text}"></div><figcaption>${b.text}. Illustration.</figcaption></figure>`
  return i === 0 ? html`<p class="lede">${b.text}</p>` : html`<p>${b.text}</p>`
}

function page(opts: { title: string; kicker: string; headline: string; body: Html[]; uri: string }): Html {
  const a = ARTICLE.author
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} — Parley Demo News</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${raw(CSS)}</style>
</head>
<body>
<header class="mast sans" id="top">
  <a class="name" href="/">Parley <span>Demo News</span></a>
  <nav aria-label="Sections"><a href="/">World</a><a href="/">Politics</a><a href="/">Americas</a><a href="/">Opinion</a></nav>
</header>
<main>
  <article>
    <p class="kicker sans">${opts.kicker}</p>
    <h1>${opts.headline}</h1>
    <p class="byline sans"><span>By <strong>${a.name}</strong>, ${a.role}</span><time datetime="${ARTICLE.published}">${dateLine(ARTICLE.published)}</time></p>
    ${opts.body}
  </article>
  <aside class="author" aria-label="About the author">
    <div class="pic" aria-hidden="true">${initials(a.name)}</div>
    <div><h3>${a.name}</h3><p class="role sans">${a.role}</p><p>${a.bio}</p></div>
  </aside>
  <section aria-labelledby="related-title">
    <h2 class="section-title sans" id="related-title">Related Articles</h2>
    <ul class="related">
      ${[{ uri: ARTICLE.uri, headline: ARTICLE.headline, teaser: 'The story this page is about.' }, ...RELATED]
        .filter((r) => r.uri !== opts.uri)
        .map(
          (r) =>
            html`<li><a href="${r.uri}">${r.headline}</a><span class="count sans" data-parley-count="${r.uri}"></span><p class="sans">${r.teaser}</p></li>`,
        )}
    </ul>
  </section>
  <div class="comments">
    <div id="parley" data-site="${DEMO_SITE}" data-uri="${opts.uri}" data-title="${opts.headline}" data-author="${a.handle}" data-theme="auto"></div>
  </div>
  <p class="sans"><a class="top" href="#top">Back to top ↑</a></p>
</main>
<footer class="foot sans">A demo of <strong>Parley</strong>, self-hosted comments and moderation · <a href="/mod">Moderation</a> · <a href="/dev/mail">Dev mailbox</a></footer>
<script src="/embed.js" async></script>
</body>
</html>`
}

// A speech bubble in the demo paper's red: the tab shows something rather than a 404.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#a4161a" d="M5 4h22a3 3 0 0 1 3 3v13a3 3 0 0 1-3 3H14l-7 6v-6H5a3 3 0 0 1-3-3V7a3 3 0 0 1 3-3z"/><path fill="#fff" d="M12 9h5.5a4 4 0 0 1 0 8H15v3h-3zm3 3v2h2.5a1 1 0 0 0 0-2z"/></svg>`

/** The demo article at `/` and its related articles, with the widget on the `demo` site. */
export const demoRoutes = new Hono<AppEnv>()
  .get('/favicon.svg', (c) =>
    c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }),
  )
  // Browsers and tools still ask for /favicon.ico by name.
  .get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301))
  .get('/', (c) =>
    c.html(
      page({
        title: ARTICLE.headline,
        kicker: ARTICLE.kicker,
        headline: ARTICLE.headline,
        body: ARTICLE.blocks.map(block),
        uri: ARTICLE.uri,
      }),
    ),
  )
  .get('/:y{[0-9]{4}}/:m{[0-9]{2}}/:slug', (c) => {
    const uri = `/${c.req.param('y')}/${c.req.param('m')}/${c.req.param('slug')}`
    if (uri === ARTICLE.uri) return c.redirect('/', 302)
    const r = RELATED.find((x) => x.uri === uri)
    if (!r) return c.notFound()
    return c.html(
      page({
        title: r.headline,
        kicker: 'Related',
        headline: r.headline,
        body: [html`<p>${r.teaser}</p>`, html`<p><em>This is a short demo page with its own comment thread.</em></p>`],
        uri: r.uri,
      }),
    )
  })
