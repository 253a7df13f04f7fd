// Scoped by the shadow root: host CSS cannot reach in, ours cannot leak out. A publisher themes
// from outside with custom properties on #parley (README, "Embedding the comments"):
// - `--parley-<name>` and `--parley-light-<name>`: the light theme (the light one wins),
// - `--parley-dark-<name>`: the dark theme. Plain ones never reach dark: a light page's cream
//   background must not end up under the dark theme's near-white text.
// Font, size, heading font and radius (`--parley-font` …) apply to both.
const PALETTE: [string, string, string][] = [
  ['bg', '#fff', '#17181a'],
  ['surface', '#f6f6f4', '#212326'],
  ['text', '#1d1d1f', '#ececec'],
  ['muted', '#5f6368', '#a7abb1'],
  ['border', '#d9d9d6', '#3a3d42'],
  ['accent', '#0b57d0', '#8ab4f8'],
  ['accent-text', '#fff', '#0d1b2e'],
  ['danger', '#b3261e', '#f2b8b5'],
  ['ok', '#1e6b34', '#8fd6a2'],
  ['note', '#fff7e0', '#3a3220'],
  ['focus', '#0b57d0', '#8ab4f8'],
]
const light = PALETTE.map(([k, l]) => `--c-${k}:var(--parley-light-${k},var(--parley-${k},${l}));`).join('') + 'color-scheme:light;'
const dark = PALETTE.map(([k, , d]) => `--c-${k}:var(--parley-dark-${k},${d});`).join('') + 'color-scheme:dark;'

export const CSS = `
:host{all:initial;display:block;${light}
font-family:var(--parley-font,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif);
font-size:var(--parley-font-size,16px);line-height:1.55;color:var(--c-text);background:var(--c-bg);
border-radius:var(--parley-radius,8px);text-align:left}
:host([data-theme=dark]){${dark}}
@media (prefers-color-scheme:dark){:host([data-theme=auto]){${dark}}}
*{box-sizing:border-box}
[hidden]{display:none!important}
h2,h3{font-family:var(--parley-heading-font,inherit);line-height:1.25;margin:0 0 .75em}
h2{font-size:1.35em}h3{font-size:1.2em}
a{color:var(--c-accent)}
button,input,textarea,select{font:inherit;color:inherit}
input[type=checkbox],input[type=radio]{accent-color:var(--c-accent);width:24px;height:24px;margin:0;flex:none}
:focus-visible{outline:2px solid var(--c-focus);outline-offset:2px;border-radius:3px}
ol{list-style:none;margin:0;padding:0}
.list>li+li,.tail>li{border-top:1px solid var(--c-border)}
.c{padding:1em 0 0}
.c>article{padding-bottom:1em}
.c>article.hl{background:var(--c-note);box-shadow:0 0 0 .5em var(--c-note);border-radius:2px}
.kids{margin-left:clamp(.75em,4vw,2.5em);padding-left:clamp(.5em,2vw,1em);border-left:2px solid var(--c-border)}
.kids>li>.c,.kids>.c{padding-top:.6em}
.hd{display:flex;align-items:center;gap:.6em;flex-wrap:wrap}
.av{width:40px;height:40px;border-radius:6px;flex:none;background:var(--c-surface)}
.who{font-weight:600}
.who a{color:inherit}
.badge{font-size:.75em;font-weight:700;padding:.05em .55em;border-radius:1em;background:var(--c-accent);color:var(--c-accent-text)}
time,.meta{color:var(--c-muted);font-size:.875em}
.body{margin:.4em 0 0;overflow-wrap:anywhere}
.body p{margin:0 0 .6em}.body p:last-child{margin:0}
.body pre{overflow:auto;background:var(--c-surface);padding:.6em;border-radius:4px}
.body blockquote{margin:.4em 0;padding-left:.8em;border-left:3px solid var(--c-border);color:var(--c-muted)}
.gone{color:var(--c-muted);font-style:italic}
.held{background:var(--c-note);padding:.4em .6em;border-radius:4px;font-size:.9em;margin:.5em 0 0}
.acts{display:flex;flex-wrap:wrap;gap:.25em 1em;margin-top:.4em;font-size:.875em;align-items:center}
.own{display:inline-flex;flex-wrap:wrap;gap:.25em 1em;align-items:center}
.lnk{background:none;border:0;padding:0;min-height:24px;color:var(--c-accent);cursor:pointer;font-weight:600}
.lnk.quiet{color:var(--c-muted);font-weight:400}
.lnk:hover{text-decoration:underline}
.menu{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;margin-top:.4em;font-size:.875em}
.btn{background:var(--c-accent);color:var(--c-accent-text);border:0;border-radius:4px;padding:.6em 1.2em;font-weight:600;cursor:pointer}
.btn.sec{background:var(--c-surface);color:var(--c-text);border:1px solid var(--c-border);padding:.35em .8em}
.btn:disabled{opacity:.6;cursor:progress}
.more{margin:1em 0}
/* "N new comments — show": stuck to the top of the screen over the thread, taking no room. */
.news{position:sticky;top:.5em;z-index:1;height:0;display:flex;justify-content:center;align-items:flex-start}
.news .btn{box-shadow:0 2px 10px #0005}
.morerep{padding:.6em 0 .2em}
p.jump,.sort{margin:-.25em 0 .75em;font-size:.95em}
.sort select{background:var(--c-bg);border:1px solid var(--c-border);border-radius:4px;padding:.15em .3em}
.votes{display:inline-flex;gap:1em}
.lnk.vote{color:var(--c-muted);font-weight:400;font-variant-numeric:tabular-nums}
.lnk.vote[aria-pressed=true]{color:var(--c-accent);font-weight:700}
.respond{margin-top:1.5em;padding-top:1em;border-top:1px solid var(--c-border)}
.c .respond{margin:0 0 1em;padding:1em;border:1px solid var(--c-border);border-radius:6px;background:var(--c-surface)}
.note{color:var(--c-muted);font-size:.9em;margin:0 0 1em}
.req{color:var(--c-danger)}
.f{margin:0 0 1em}
.f label{display:block;font-weight:600;margin-bottom:.25em}
.f input,.f textarea{display:block;width:100%;max-width:100%;padding:.55em .65em;border:1px solid var(--c-border);border-radius:4px;background:var(--c-bg)}
.f textarea{min-height:8em;resize:vertical}
.row{display:grid;gap:0 1em;grid-template-columns:repeat(auto-fit,minmax(12em,1fr))}
[aria-invalid=true]{border-color:var(--c-danger)!important}
.err{color:var(--c-danger);font-size:.875em;margin:.25em 0 0}
.ck{display:flex;gap:.5em;align-items:flex-start;margin:0 0 .6em;font-size:.95em}
.msg{margin:.5em 0;font-size:.95em}
.msg.bad{color:var(--c-danger)}.msg.good{color:var(--c-ok)}
.small{font-size:.7em;font-weight:400;margin-left:.5em}
.hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.closed{color:var(--c-muted);font-style:italic}
.follow{margin-top:1.5em;padding-top:1em;border-top:1px solid var(--c-border)}
.follow label{display:block;font-weight:600;margin-bottom:.35em}
.fr{display:flex;flex-wrap:wrap;gap:.5em}
.fr input{flex:1 1 14em;min-width:0;padding:.5em .65em;border:1px solid var(--c-border);border-radius:4px;background:var(--c-bg)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;margin:0}
.copied{display:inline-flex;flex-wrap:wrap;gap:.4em;align-items:center}
.cl{font:inherit;font-size:.95em;width:min(24em,70vw);padding:.2em .4em;border:1px solid var(--c-border);border-radius:4px;background:var(--c-bg)}
.report{display:block;border:1px solid var(--c-border);border-radius:6px;padding:.6em .9em .8em;background:var(--c-surface);max-width:32em}
.report legend{font-weight:600;padding:0 .3em}
.report .ck{margin:.4em 0}
.report .f{margin:.6em 0 0}
.report textarea{min-height:4em}
@media (max-width:600px),(pointer:coarse){.lnk,.btn{min-height:44px}.acts,.own{column-gap:1.25em}}
`
