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
  it('turns an image into a link named by its alt text (the URL when there is none), never "!alt"', () => {
    expect(renderMarkdown('Look: ![a *red* fox](https://example.org/fox.jpg "Fox")')).toBe(
      '<p>Look: <a href="https://example.org/fox.jpg" rel="nofollow ugc noopener">a red fox</a></p>',
    )
    expect(renderMarkdown('![](https://example.org/a.png)')).toBe(
      '<p><a href="https://example.org/a.png" rel="nofollow ugc noopener">https://example.org/a.png</a></p>',
    )
    expect(renderMarkdown('![<b>"x"</b>](https://example.org/a.png)')).toBe(
      '<p><a href="https://example.org/a.png" rel="nofollow ugc noopener">&lt;b&gt;"x"&lt;/b&gt;</a></p>',
    )
    // Unsafe targets stay text, as for links.
    for (const url of ['javascript:alert(1)', 'data:image/png;base64,AAAA']) expect(renderMarkdown(`![x](${url})`)).not.toMatch(/href=/i)
    expect(countLinks(renderMarkdown('![a](https://a.example/1.png) ![b](https://b.example/2.png)'))).toBe(2)
  })
  it('counts links after auto-linking', () => {
    expect(countLinks(renderMarkdown('a https://a.example b [c](https://c.example) www.example.com'))).toBe(3)
  })
})
