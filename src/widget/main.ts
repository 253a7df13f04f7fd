// The embed script. A publisher pastes:
//   <div id="parley" data-site="news"></div><script src="https://comments.example/embed.js" async></script>
import { createApi } from './api.js'
import { tn, useLang } from './text.js'
import { mountThread } from './thread.js'

const EMBED = /\/embed(\.[0-9a-f]+)?\.js([?#].*)?$/

// Read while this script runs: document.currentScript is null afterwards (and for async
// scripts in some browsers), so fall back to the script tag that loaded us.
const script =
  (document.currentScript as HTMLScriptElement | null) ??
  [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => EMBED.test(s.src)) ??
  null
// The service's address, path prefix included: https://comments.example/embed.js → https://comments.example
const base = script ? script.src.replace(EMBED, '') : location.origin

/** Fills every [data-parley-count="/uri"] on the page, one request per site (100 uris each). */
async function counts(defaultSite: string | undefined) {
  const bySite = new Map<string, HTMLElement[]>()
  for (const el of document.querySelectorAll<HTMLElement>('[data-parley-count]')) {
    const site = el.dataset.parleySite ?? defaultSite
    if (!site) continue
    bySite.set(site, [...(bySite.get(site) ?? []), el])
  }
  const api = createApi(base)
  for (const [site, els] of bySite) {
    const uris = [...new Set(els.map((e) => e.dataset.parleyCount || '/'))]
    for (let i = 0; i < uris.length; i += 100) {
      const chunk = uris.slice(i, i + 100)
      try {
        const got = await api.counts(site, chunk)
        // Answers come in request order; the server may have normalised the uri.
        const n = new Map(chunk.map((u, j) => [u, got[j]?.count ?? 0]))
        for (const el of els) {
          const c = n.get(el.dataset.parleyCount || '/')
          if (c !== undefined) el.textContent = tn('count', c)
        }
      } catch {
        // counts are decoration: leave whatever the page had there
      }
    }
  }
}

function start() {
  const w = window as unknown as { __parley?: boolean }
  if (w.__parley) return
  w.__parley = true
  const host = document.getElementById('parley')
  const site = host?.dataset.site ?? script?.dataset.site
  // data-lang on the container or the script, else the page's own language, else English.
  const ready = useLang(host?.dataset.lang || script?.dataset.lang || document.documentElement.lang, base)
  if (host && site) {
    void mountThread(host, {
      ready,
      base,
      site,
      // The query goes along: the server keeps only the site's threadQueryParams (`/?p=4`).
      uri: host.dataset.uri || location.pathname + location.search,
      title: host.dataset.title || document.title,
      author: host.dataset.author || '',
    })
  }
  void ready.then(() => counts(site))
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
else start()
