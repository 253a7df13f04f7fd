// Scoped by the shadow root: host CSS cannot reach in, ours cannot leak out. Every colour,
// the font and the radius are custom properties, so a publisher can theme from outside:
// #parley { --parley-accent: #b00020 }.
const light = `--parley-bg:#fff;--parley-surface:#f6f6f4;--parley-text:#1d1d1f;--parley-muted:#5f6368;--parley-border:#d9d9d6;--parley-accent:#0b57d0;--parley-accent-text:#fff;--parley-danger:#b3261e;--parley-ok:#1e6b34;--parley-note:#fff7e0;--parley-focus:#0b57d0;`
const dark = `--parley-bg:#17181a;--parley-surface:#212326;--parley-text:#ececec;--parley-muted:#a7abb1;--parley-border:#3a3d42;--parley-accent:#8ab4f8;--parley-accent-text:#0d1b2e;--parley-danger:#f2b8b5;--parley-ok:#8fd6a2;--parley-note:#3a3220;--parley-focus:#8ab4f8;`

export const CSS = `
:host{all:initial;display:block;${light}
font-family:var(--parley-font,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif);
font-size:var(--parley-font-size,16px);line-height:1.55;color:var(--parley-text);background:var(--parley-bg);
border-radius:var(--parley-radius,8px);text-align:left}
:host([data-theme=dark]){${dark}}
@media (prefers-color-scheme:dark){:host([data-theme=auto]){${dark}}}
*{box-sizing:border-box}
[hidden]{display:none!important}
.sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h2,h3{font-family:var(--parley-heading-font,inherit);line-height:1.25;margin:0 0 .75em}
h2{font-size:1.35em}h3{font-size:1.2em}
a{color:var(--parley-accent)}
button,input,textarea{font:inherit;color:inherit}
:focus-visible{outline:2px solid var(--parley-focus);outline-offset:2px;border-radius:3px}
ol{list-style:none;margin:0;padding:0}
.list>li+li{border-top:1px solid var(--parley-border)}
.c{padding:1em 0 0}
.c>article{padding-bottom:1em}
.kids{margin-left:clamp(.75em,4vw,2.5em);padding-left:clamp(.5em,2vw,1em);border-left:2px solid var(--parley-border)}
.kids>li>.c,.kids>.c{padding-top:.6em}
.hd{display:flex;align-items:center;gap:.6em;flex-wrap:wrap}
.av{width:40px;height:40px;border-radius:6px;flex:none;background:var(--parley-surface)}
.who{font-weight:600}
.who a{color:inherit}
time,.meta{color:var(--parley-muted);font-size:.875em}
.body{margin:.4em 0 0;overflow-wrap:anywhere}
.body p{margin:0 0 .6em}.body p:last-child{margin:0}
.body pre{overflow:auto;background:var(--parley-surface);padding:.6em;border-radius:4px}
.body blockquote{margin:.4em 0;padding-left:.8em;border-left:3px solid var(--parley-border);color:var(--parley-muted)}
.gone{color:var(--parley-muted);font-style:italic}
.held{background:var(--parley-note);padding:.4em .6em;border-radius:4px;font-size:.9em;margin:.5em 0 0}
.acts{display:flex;flex-wrap:wrap;gap:.25em 1em;margin-top:.4em;font-size:.875em;align-items:center}
.own{display:inline-flex;flex-wrap:wrap;gap:.25em 1em;align-items:center}
.lnk{background:none;border:0;padding:.2em 0;color:var(--parley-accent);cursor:pointer;font-weight:600}
.lnk.quiet{color:var(--parley-muted);font-weight:400}
.lnk:hover{text-decoration:underline}
.menu{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;margin-top:.4em;font-size:.875em}
.btn{background:var(--parley-accent);color:var(--parley-accent-text);border:0;border-radius:4px;padding:.6em 1.2em;font-weight:600;cursor:pointer}
.btn.sec{background:var(--parley-surface);color:var(--parley-text);border:1px solid var(--parley-border);padding:.35em .8em}
.btn:disabled{opacity:.6;cursor:progress}
.more{margin:1em 0}
.respond{margin-top:1.5em;padding-top:1em;border-top:1px solid var(--parley-border)}
.c .respond{margin:0 0 1em;padding:1em;border:1px solid var(--parley-border);border-radius:6px;background:var(--parley-surface)}
.note{color:var(--parley-muted);font-size:.9em;margin:0 0 1em}
.req{color:var(--parley-danger)}
.f{margin:0 0 1em}
.f label{display:block;font-weight:600;margin-bottom:.25em}
.f input,.f textarea{display:block;width:100%;max-width:100%;padding:.55em .65em;border:1px solid var(--parley-border);border-radius:4px;background:var(--parley-bg)}
.f textarea{min-height:8em;resize:vertical}
.row{display:grid;gap:0 1em;grid-template-columns:repeat(auto-fit,minmax(12em,1fr))}
[aria-invalid=true]{border-color:var(--parley-danger)!important}
.err{color:var(--parley-danger);font-size:.875em;margin:.25em 0 0}
.ck{display:flex;gap:.5em;align-items:flex-start;margin:0 0 .6em;font-size:.95em}
.ck input{margin:.3em 0 0;width:1em;height:1em;flex:none}
.msg{margin:.5em 0;font-size:.95em}
.msg.bad{color:var(--parley-danger)}.msg.good{color:var(--parley-ok)}
.small{font-size:.7em;font-weight:400;margin-left:.5em}
.hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.closed{color:var(--parley-muted);font-style:italic}
`
