import { describe, expect, it } from 'vitest'
import { countLinks, plainText, renderComment, renderMarkdown, RENDER_LIMITS } from '../../src/comments/markdown.js'
import { stripTags } from '../../src/moderation/strip-tags.js'

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

describe('the rendering budget', () => {
  it('renders ordinary comments as Markdown', () => {
    const r = renderComment('Some *emphasis*, a link https://a.example and\n\n> a quote')
    expect(r.html).toContain('<em>emphasis</em>')
    expect(r.html).toContain('<blockquote>')
    expect(r.linkCount).toBe(1)
  })
  it('shows a body past the budget as escaped plain text, paragraphs and line breaks kept', () => {
    const lines = Array.from({ length: RENDER_LIMITS.lines + 1 }, (_, i) => `- item <b>${i}</b>`).join('\n')
    const r = renderComment(lines)
    expect(r.html).not.toContain('<li>')
    expect(r.html).not.toContain('<b>')
    expect(r.html).toContain('- item &lt;b&gt;0&lt;/b&gt;<br>')
    expect(renderComment('*'.repeat(RENDER_LIMITS.markup + 1)).html).toBe(`<p>${'*'.repeat(RENDER_LIMITS.markup + 1)}</p>`)
    expect(plainText('one\n\n\ntwo\nthree')).toBe('<p>one</p>\n<p>two<br>\nthree</p>')
  })
  it('counts the links of a link-stuffed body without linking them, so maxLinks still holds it', () => {
    const r = renderComment('spam.example '.repeat(RENDER_LIMITS.links + 1))
    expect(r.html).not.toContain('<a ')
    expect(r.linkCount).toBe(RENDER_LIMITS.links + 1)
  })
  it('caps nesting', () => {
    const html = renderComment('>'.repeat(500) + ' deep').html
    expect((html.match(/<blockquote>/g) ?? []).length).toBeLessThanOrEqual(20)
  })
})

describe('stripTags (wp_strip_all_tags)', () => {
  it('removes tags, and script and style elements with their content', () => {
    expect(stripTags('we are <b>half</b>way')).toBe('we are halfway')
    expect(stripTags('a<script type="x">evil()</script>b<STYLE>p{}</style>c')).toBe('abc')
    expect(stripTags('<!-- note -->x<?php y ?>z<br/>')).toBe('xz')
  })
  it('keeps text that only looks like a tag', () => {
    expect(stripTags('1 < 2 and 3 > 2')).toBe('1 < 2 and 3 > 2')
    expect(stripTags('open <b never closed')).toBe('open <b never closed')
    expect(stripTags('x <script>no end')).toBe('x no end')
  })
  it('stays linear on hostile input', () => {
    for (const s of ['<a '.repeat(20_000), '<script>'.repeat(8_000), '<'.repeat(60_000)]) expect(typeof stripTags(s)).toBe('string')
  })
})
