/** The moderator UI's one stylesheet (served at /mod/assets/mod.css; no inline styles, so the CSP stays strict). */
export const MOD_CSS = `
:root{--bg:#f6f7f9;--surface:#fff;--text:#1c1e21;--muted:#5c6370;--line:#dfe2e7;--accent:#1f5fbf;--accent-soft:#e8f0fc;
--ok:#146c2e;--ok-soft:#e6f4ea;--warn:#8a5a00;--warn-soft:#fff4d6;--bad:#b42318;--bad-soft:#fdecea;--spam:#6e40c9;--spam-soft:#f1ebfc;
--focus:#1f5fbf;--hover:#fafbfc;--chip:#eceef2;--field-line:#cfd4db;--btn-line:#c3c8d0;--ok-line:#bfe3c8;--bad-line:#f5c2bd;
--warn-text:#5c4300;--bad-text:#7a1b13;--on-accent:#fff;--toast-bg:#1c1e21;--toast-text:#fff;--toast-link:#9cc3ff;
color-scheme:light dark;--radius:8px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#121416;--surface:#1b1e22;--text:#e6e8eb;--muted:#a7adb6;--line:#343940;
--accent:#8ab4f8;--accent-soft:#1d2b40;--ok:#7cd69a;--ok-soft:#15291c;--warn:#f0c35a;--warn-soft:#2e2410;--bad:#ff9c93;--bad-soft:#341a18;
--spam:#c4a7ff;--spam-soft:#271d3b;--focus:#8ab4f8;--hover:#23272c;--chip:#2a2f35;--field-line:#4a5059;--btn-line:#535a64;
--ok-line:#2c5a3a;--bad-line:#6b2a25;--warn-text:#f0d79a;--bad-text:#ffc1bb;--on-accent:#0d1b2e;--toast-bg:#e6e8eb;--toast-text:#121416;--toast-link:#1f5fbf}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font-size:15px;line-height:1.5}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:4px}
[hidden]{display:none!important}
.sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:8px;top:-40px;background:var(--surface);padding:6px 10px;border-radius:4px;z-index:10}
.skip:focus{top:8px}
header.top{background:var(--surface);border-bottom:1px solid var(--line)}
.top .in{max-width:1120px;margin:0 auto;padding:10px 20px;display:flex;align-items:center;gap:8px 24px;flex-wrap:wrap}
.brand{font-weight:700;font-size:17px;color:var(--text);text-decoration:none;letter-spacing:-.01em}
.top nav ul{list-style:none;display:flex;gap:4px;margin:0;padding:0;flex-wrap:wrap}
.top nav a{display:block;padding:6px 10px;border-radius:6px;color:var(--muted);text-decoration:none;font-weight:500}
.top nav a:hover{background:var(--bg);color:var(--text)}
.top nav a[aria-current=page]{background:var(--accent-soft);color:var(--accent)}
.who{margin-left:auto;display:flex;align-items:center;gap:10px;color:var(--muted);font-size:14px}
main{max-width:1120px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:22px;margin:0 0 16px;letter-spacing:-.01em}
h2{font-size:17px;margin:28px 0 12px}
.panel h2:first-of-type{margin-top:0}
h3{font-size:15px;margin:20px 0 8px}
.muted{color:var(--muted)}
.small{font-size:13px}
.btn{display:inline-flex;align-items:center;gap:6px;font:inherit;font-size:14px;font-weight:600;padding:6px 12px;border-radius:6px;border:1px solid var(--line);background:var(--surface);color:var(--text);cursor:pointer;text-decoration:none;line-height:1.4}
.btn:hover{border-color:var(--btn-line);background:var(--hover)}
.btn.primary{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}
.btn.ok{background:var(--ok);border-color:var(--ok);color:var(--on-accent)}
.btn.bad{color:var(--bad)}
.btn.spam{color:var(--spam)}
.btn.link{border-color:transparent;background:none;color:var(--accent);padding:6px 4px}
.btn:disabled{opacity:.55;cursor:progress}
kbd{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;border:1px solid var(--line);border-bottom-width:2px;border-radius:4px;padding:0 5px;background:var(--surface);color:var(--muted)}
input[type=text],input[type=email],input[type=password],input[type=number],input[type=search],input[type=url],select,textarea{font:inherit;font-size:14px;padding:7px 10px;border:1px solid var(--field-line);border-radius:6px;background:var(--surface);color:var(--text);max-width:100%}
textarea{width:100%;min-height:6em;resize:vertical}
label{font-weight:600;font-size:14px}
.field{margin:0 0 16px}
.field>label,.field>.label{display:block;margin-bottom:4px}
.field .hint{display:block;color:var(--muted);font-size:13px;font-weight:400;margin-top:3px}
.field input[type=text],.field input[type=email],.field input[type=password],.field input[type=url]{width:100%}
.check{display:flex;gap:8px;align-items:flex-start;font-weight:400;margin:6px 0}
.check input{margin-top:3px}
.err{color:var(--bad);font-size:13px;margin:4px 0 0}
.notice{padding:10px 14px;border-radius:var(--radius);margin:0 0 16px;background:var(--ok-soft);border:1px solid var(--ok-line)}
.notice.bad{background:var(--bad-soft);border-color:var(--bad-line)}
.notice code{word-break:break-all}
.panel{margin-bottom:20px;background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:20px}
.narrow{max-width:420px;margin:8vh auto}
.tabs{display:flex;gap:4px;border-bottom:1px solid var(--line);margin:0 0 16px;overflow-x:auto}
.tabs a{padding:8px 12px;color:var(--muted);text-decoration:none;font-weight:600;border-bottom:2px solid transparent;margin-bottom:-1px;white-space:nowrap}
.tabs a[aria-current=page]{color:var(--text);border-bottom-color:var(--accent)}
.count{display:inline-block;min-width:1.6em;text-align:center;font-size:12px;padding:0 6px;border-radius:10px;background:var(--chip);color:var(--muted);margin-left:4px}
.tabs a[aria-current=page] .count{background:var(--accent-soft);color:var(--accent)}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:flex-end;margin:0 0 16px}
.filters .grow{flex:1 1 200px}
.filters .grow input{width:100%}
.chip{display:inline-flex;align-items:center;gap:6px;font-size:13px;background:var(--accent-soft);color:var(--accent);padding:2px 8px;border-radius:12px}
.bulk{position:sticky;top:0;z-index:2;display:flex;gap:8px;align-items:center;flex-wrap:wrap;background:var(--bg);padding:8px 0;margin-bottom:8px}
.cards{list-style:none;margin:0;padding:0;display:grid;gap:12px}
.card{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:16px 18px;display:grid;grid-template-columns:auto 1fr;gap:0 14px;scroll-margin:80px}
.card.focused{border-color:var(--accent);box-shadow:0 0 0 3px var(--accent-soft)}
.card:focus{outline:none}
.card:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.card.nosel{grid-template-columns:1fr}
.card .sel{padding-top:10px}
.card .sel input{width:18px;height:18px}
.card .hd{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.av{width:36px;height:36px;border-radius:6px;background:var(--chip);flex:none}
.name{font-weight:600}
.meta{color:var(--muted);font-size:13px;display:flex;gap:4px 12px;flex-wrap:wrap;align-items:center}
.meta a{color:var(--muted);display:inline-flex;align-items:center;min-height:24px}
.badge{display:inline-block;font:12px ui-monospace,SFMono-Regular,Menlo,monospace;padding:1px 6px;border-radius:4px;background:var(--chip);color:var(--muted)}
.pill{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px}
.pill.pending{background:var(--warn-soft);color:var(--warn)}
.pill.approved{background:var(--ok-soft);color:var(--ok)}
.pill.rejected{background:var(--bad-soft);color:var(--bad)}
.pill.spam{background:var(--spam-soft);color:var(--spam)}
.pill.deleted{background:var(--chip);color:var(--muted)}
.pill.reported{background:var(--bad-soft);color:var(--bad)}
.pill.staff{background:var(--accent-soft,#e8f0fe);color:var(--accent,#0b57d0)}
.body{margin:10px 0;overflow-wrap:anywhere}
.body p{margin:0 0 8px}.body p:last-child{margin:0}
.body pre{overflow:auto;background:var(--bg);padding:8px;border-radius:4px}
.body blockquote{margin:4px 0;padding-left:10px;border-left:3px solid var(--line);color:var(--muted)}
.parent{font-size:13px;color:var(--muted);border-left:3px solid var(--line);padding:2px 10px;margin:8px 0}
.why{font-size:13px;margin:8px 0;padding:6px 10px;border-radius:6px;background:var(--warn-soft);color:var(--warn-text)}
.why.reports{background:var(--bad-soft);color:var(--bad-text)}
.why ul{margin:2px 0 0;padding-left:18px}
.acts{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin-top:8px}
.acts details{display:inline-block}
.acts summary{list-style:none;cursor:pointer}
.acts summary::-webkit-details-marker{display:none}
.acts details[open]{flex-basis:100%}
.inline{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin-top:6px}
.inline input[type=text]{flex:1 1 220px}
.empty{text-align:center;color:var(--muted);padding:48px 16px;background:var(--surface);border:1px dashed var(--line);border-radius:var(--radius)}
.pager{display:flex;justify-content:flex-end;margin-top:16px}
table{border-collapse:collapse;width:100%;background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);font-size:14px}
th,td{text-align:left;padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;background:var(--hover)}
tr:last-child td{border-bottom:0}
td ul.reasons{margin:0;padding-left:16px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.table-wrap{overflow-x:auto;position:relative}
@media (max-width:600px){table.team thead{display:none}table.team tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}table.team td{display:block;border:0;overflow-wrap:anywhere}}
.thread .card.d1{margin-left:28px}.thread .card.d2{margin-left:56px}.thread .card.d3{margin-left:84px}.thread .card.d4{margin-left:112px}.thread .card.d5{margin-left:140px}.thread .card.d6{margin-left:168px}.thread .card.d7{margin-left:196px}.thread .card.d8{margin-left:224px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:0 24px}
fieldset{border:1px solid var(--line);border-radius:var(--radius);padding:12px 16px;margin:0 0 16px}
legend{font-weight:600;font-size:14px;padding:0 4px}
.mode{display:flex;gap:8px;align-items:flex-start;margin:8px 0;font-weight:400}
.mode strong{display:block}
.mode span{color:var(--muted);font-size:13px}
pre.snippet{background:#1c1e21;color:#e8eaed;padding:14px;border-radius:var(--radius);overflow:auto;font-size:13px;white-space:pre-wrap;word-break:break-all}
.toast{position:fixed;left:50%;bottom:24px;transform:translateX(-50%);background:var(--toast-bg);color:var(--toast-text);padding:10px 16px;border-radius:8px;display:flex;gap:14px;align-items:center;box-shadow:0 6px 24px rgba(0,0,0,.2);z-index:20;max-width:calc(100vw - 32px)}
.toast.bad{background:var(--bad)}
.toast button{font:inherit;font-weight:700;background:none;border:0;color:var(--toast-link);cursor:pointer;padding:2px 4px}
/* "N new in queue — show": stuck below the bulk bar over the cards, taking no room, so nothing moves. */
.newcards{position:sticky;top:60px;z-index:3;height:0;display:flex;justify-content:center;align-items:flex-start}
.newcards .btn{box-shadow:0 4px 16px rgba(0,0,0,.25);min-height:44px}
@media (max-width:640px){.newcards{top:124px}}
dialog{border:1px solid var(--line);border-radius:var(--radius);padding:20px 24px;max-width:440px}
dialog::backdrop{background:rgba(20,22,26,.35)}
dialog dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:0 0 16px}
dialog dd{margin:0}
.keys{font-size:13px;color:var(--muted);margin-top:24px}
@media (max-width:640px){
main{padding:16px 12px 64px}
.top .in{padding:8px 12px;gap:6px 12px}
.who{margin-left:0;width:100%;justify-content:space-between}
.card{padding:12px;gap:0 10px}
.thread .card.d1{margin-left:12px}.thread .card.d2{margin-left:24px}.thread .card.d3{margin-left:36px}.thread .card.d4{margin-left:48px}.thread .card.d5{margin-left:60px}.thread .card.d6{margin-left:72px}.thread .card.d7{margin-left:84px}.thread .card.d8{margin-left:96px}
.keys{display:none}
th,td{padding:8px}
}
.import-form fieldset{border:0;padding:0;margin:0 0 12px}
.import-form .check{min-height:44px;display:flex;align-items:center;gap:8px}
#import-progress{width:100%;height:18px}
.actions-row{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.actions-row .btn{min-height:44px}
table.summary{max-width:560px}
table.summary caption{text-align:left;font-weight:600;padding:0 0 6px}
table.summary td{text-align:right;font-variant-numeric:tabular-nums}
table.summary th{text-transform:none;letter-spacing:0;font-size:14px;font-weight:400;color:inherit}
.filename{overflow-wrap:anywhere}
`
