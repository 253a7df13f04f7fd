import { describe, expect, it } from 'vitest'
import { countLinks, renderMarkdown } from '../../src/comments/markdown.js'

describe('markdown → safe html', () => {
  it('renders emphasis, code and quotes', () => {
    expect(renderMarkdown('**bold** _it_ `code`')).toBe('<p><strong>bold</strong> <em>it</em> <code>code</code></p>')
    expect(renderMarkdown('> quoted')).toContain('<blockquote>')
  })
  it('links bare URLs with rel="nofollow ugc noopener"', () => {
    expect(renderMarkdown('see https://example.org')).toBe(
      '<p>see <a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a></p>',
    )
    expect(renderMarkdown('[x](https://example.org)')).toContain('rel="nofollow ugc noopener"')
  })
  it('shows raw HTML as text: no tags, no handlers', () => {
    for (const evil of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', '<a href="javascript:alert(1)">x</a>']) {
      const html = renderMarkdown(evil)
      expect(html).not.toMatch(/<(script|img|svg|a)\b/i)
      expect(html).toContain('&lt;')
    }
  })
  it('drops javascript: and data: link targets', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>x</script>', 'vbscript:x']) {
      const html = renderMarkdown(`[click](${url})`)
      expect(html).not.toMatch(/href=/i)
    }
  })
  it('renders images and headings as text, not markup', () => {
    expect(renderMarkdown('![x](https://tracker.example/p.gif)')).not.toContain('<img')
    expect(renderMarkdown('# Big')).toBe('<p># Big</p>')
  })
  it('counts links after auto-linking', () => {
    expect(countLinks(renderMarkdown('a https://a.example b [c](https://c.example) www.example.com'))).toBe(3)
  })
})
