import type { PComment } from './api.js'

/**
 * Live updates (docs/api.md, "Live updates"): the thread's `GET /api/stream` as an EventSource,
 * which reconnects by itself when the connection drops; each reconnection is followed by one
 * `resync` (the thread read again) for what was missed meanwhile. When the EventSource gives up
 * (the answer was not a stream) one plain request asks why, since an EventSource cannot see its
 * answer's headers: 204 `X-Parley-Live: poll` (Workers) → `resync` every `X-Parley-Poll-Seconds`
 * (a conditional read: 304 while nothing changed); 5xx (503 when a server holds too many
 * streams) → again after `Retry-After`; any other refusal → no live updates.
 */
export function connectLive(url: string, on: (event: string, c: PComment) => void, resync: () => Promise<unknown>): void {
  let opened = 0
  const sync = () => void resync().catch(() => 0)
  function open() {
    const es = new EventSource(url)
    for (const event of ['comment', 'update', 'remove']) es.addEventListener(event, (m) => on(event, JSON.parse((m as MessageEvent<string>).data) as PComment))
    es.addEventListener('ready', () => opened++ && sync())
    es.onerror = async () => {
      // Still CONNECTING: the browser is on it (after `retry`, 3 s).
      if (es.readyState < 2) return
      es.close()
      const ac = new AbortController()
      let wait = 30
      try {
        const res = await fetch(url, { credentials: 'omit', signal: ac.signal })
        // A stream after all (it was a passing refusal): the next EventSource takes over.
        ac.abort()
        const seconds = Number(res.headers.get('X-Parley-Poll-Seconds')) || 15
        if (res.status === 204) {
          const poll = (): unknown =>
            setTimeout(async () => {
              if (!document.hidden) await resync().catch(() => 0)
              poll()
            }, seconds * 1000)
          return void poll()
        }
        if (!res.ok && res.status < 500) return
        wait = Number(res.headers.get('Retry-After')) || 3
      } catch {
        // the service is away: ask again later
      }
      setTimeout(open, wait * 1000)
    }
  }
  open()
}
