// The desk's comment card is built as a string (src/modui/queue.tsx cardHtml, docs/perf.md round 3):
// every value a commenter, reader or moderator chose must reach the page escaped.
import { describe, expect, it } from 'vitest'
import type { ModComment } from '../../src/moderation/mod.mapper.js'
import { cardHtml } from '../../src/modui/queue.js'
import type { Site } from '../../src/sites/site.service.js'

const EVIL = `<img src=x onerror="alert('x')">&amp;`
const ESCAPED = `&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;amp;`

const comment = (over: Partial<ModComment> = {}): ModComment => ({
  id: 'c1', parentId: null, depth: 0,
  author: { name: EVIL, url: `https://x.example/"${EVIL}`, avatar: `https://a.example/${EVIL}`, badge: null },
  html: '<p>Sanitised <em>already</em></p>', createdAt: '2026-01-01T10:20:30.000Z', editedAt: null, status: 'pending',
  replyCount: 0, upvotes: 0, downvotes: 0, site: 'news', email: `${EVIL}@x.example`, ipHash: '<"ip>&',
  thread: { id: 't1', uri: `/a?b=${EVIL}`, title: EVIL },
  parent: { id: 'p1', author: EVIL, excerpt: EVIL, status: 'rejected' },
  reports: [{ reason: EVIL, details: EVIL, at: '2026-01-02T03:04:05.000Z', resolved: false }],
  openReports: 1, authorHistory: { approved: 1, rejected: 0, spam: 0 },
  reasons: [{ phase: 'links', message: EVIL }, { phase: 'first_comment', message: EVIL }] as ModComment['reasons'],
  ...over,
})
const sites = new Map<string, Site>([['news', { id: 'news', name: EVIL, settings: { origins: [`https://news.example`] } as Site['settings'], storedSettings: {} }]])

describe('the desk card', () => {
  it('escapes every value it shows, in text and in attributes', () => {
    for (const c of [comment(), comment({ status: 'approved', author: { name: EVIL, url: null, avatar: '', badge: 'staff' } })]) {
      const html = cardHtml({ c, sites, returnTo: `/mod/queue?q="${EVIL}`, showSite: true })
      expect(html).not.toContain('<img src=x')
      expect(html).not.toContain(`"alert(`)
      expect(html).toContain(ESCAPED)
      // The comment's own HTML (sanitised when it was posted) is the one thing written as it is.
      expect(html).toContain('<div class="body"><p>Sanitised <em>already</em></p></div>')
    }
  })

  it('shows what a moderator acts on: the reasons it was held, open reports, the parent, the actions', () => {
    const html = cardHtml({ c: comment(), sites, returnTo: '/mod/queue', showSite: false })
    expect(html).toMatch(/^<li class="card" id="c-c1" data-id="c1" tabindex="-1" aria-labelledby="n-c1">/)
    expect(html.match(/<div class="why"><strong>Held:<\/strong> <ul><li>/g)).toHaveLength(1)
    expect(html).toContain('<div class="why reports"><strong>Reports:</strong><ul><li>')
    expect(html).toContain(' (rejected)')
    for (const a of ['approve', 'reject', 'spam']) expect(html).toContain(`value="c1:${a}"`)
    expect(html).not.toContain('value="c1:restore"')
    expect(html).toContain('<span title="This author&#39;s comments on this site">1 approved</span>')
    const inThread = cardHtml({ c: comment(), sites, returnTo: '/mod/queue', showSite: false, selectable: false, depth: 12, inThread: true })
    expect(inThread).toMatch(/^<li class="card nosel d8"/)
    expect(inThread).not.toContain('only this thread')
    expect(inThread).not.toContain('type="checkbox"')
  })
})
