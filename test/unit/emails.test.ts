import { describe, expect, it } from 'vitest'
import { commentApproved, confirmAddress, moderationNeeded, newCommentForAuthor, reply } from '../../emails/index.js'

const hostile = `<script>alert("x")</script> & "quotes" 'single'`

describe('email templates', () => {
  it('moderation needed', () => {
    const m = moderationNeeded({
      siteName: 'News Example',
      threadTitle: 'Cartels in Mexico',
      threadUrl: 'https://news.example/2026/11/cartels',
      author: { name: 'Ann <b>', email: 'ann@example.org', url: 'https://ann.example/?a=1&b=2' },
      text: `First line\n${hostile}`,
      reasons: ['The comment has 3 links (the limit is 2).'],
      pendingCount: 4,
      links: {
        approve: 'http://parley.test/email/moderate?token=A',
        reject: 'http://parley.test/email/moderate?token=R',
        spam: 'http://parley.test/email/moderate?token=S',
        queue: 'http://parley.test/mod?site=news&queue=pending',
      },
    })
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('Ann &lt;b&gt;')
    expect(m.html).toContain('https://ann.example/?a=1&amp;b=2')
    expect(m).toMatchSnapshot()
  })

  it('reply', () => {
    const m = reply({
      siteName: 'News Example',
      threadTitle: 'Cartels in Mexico',
      recipientName: 'Ann',
      replyAuthorName: 'Ben\r\nBcc: evil@example.org',
      parentText: 'My comment',
      replyText: hostile,
      commentUrl: 'https://news.example/2026/11/cartels#comment-abc',
      unsubscribeUrl: 'http://parley.test/email/unsubscribe?token=U',
    })
    expect(m.subject).not.toMatch(/[\r\n]/)
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('http://parley.test/email/unsubscribe?token=U')
    expect(m.text).toContain('http://parley.test/email/unsubscribe?token=U')
    expect(m).toMatchSnapshot()
  })

  it('confirm your address', () => {
    const m = confirmAddress({
      siteName: 'News <Example>',
      recipientName: hostile,
      threadTitle: 'Cartels in Mexico',
      confirmUrl: 'http://parley.test/email/confirm?token=C',
      unsubscribeUrl: 'http://parley.test/email/unsubscribe?token=U',
    })
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('News &lt;Example&gt;')
    expect(m).toMatchSnapshot()
  })

  it('your comment was approved', () => {
    const m = commentApproved({
      siteName: 'News Example',
      recipientName: 'Gil',
      threadTitle: '',
      text: hostile,
      commentUrl: null,
      unsubscribeUrl: 'http://parley.test/email/unsubscribe?token=U',
    })
    expect(m.html).not.toContain('<script>')
    expect(m).toMatchSnapshot()
  })

  it('new comment on your article', () => {
    const m = newCommentForAuthor({
      siteName: 'News Example',
      recipientName: 'Ashley Davis',
      threadTitle: 'Cartels in Mexico',
      commenterName: 'Jo',
      text: hostile,
      commentUrl: 'https://news.example/2026/11/cartels#comment-abc',
      desk: { commentUrl: 'http://parley.test/mod?site=news&comment=abc', threadUrl: 'http://parley.test/mod?site=news&thread=t1' },
    })
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('http://parley.test/mod?site=news&amp;comment=abc')
    expect(m).toMatchSnapshot()
  })

  it('new comment on your article, to an author without a desk account: the page only', () => {
    const m = newCommentForAuthor({
      siteName: 'News Example',
      recipientName: 'Ashley Davis',
      threadTitle: 'Cartels in Mexico',
      commenterName: 'Jo',
      text: 'A **bold** claim, [sourced](https://src.example/a).',
      commentUrl: 'https://news.example/2026/11/cartels#comment-abc',
      desk: null,
    })
    expect(m.text).not.toContain('/mod')
    expect(m.html).not.toContain('/mod')
    expect(m.text).toContain('https://news.example/2026/11/cartels#comment-abc')
    expect(m.text).toContain('> A bold claim, sourced (https://src.example/a).')
    expect(m.html).toContain('<strong>bold</strong>')
  })

  it('comments in emails read as readers see them: Markdown stripped in text, rendered safely in HTML', () => {
    const m = reply({
      siteName: 'News Example',
      threadTitle: 'Cartels',
      recipientName: 'Ann',
      replyAuthorName: 'Ben',
      parentText: '> quoted\n\n**Bold** and _it_',
      replyText: '- one\n- two\n\n![a chart](https://img.example/c.png) <img src=x onerror=alert(1)>',
      commentUrl: null,
      unsubscribeUrl: 'http://parley.test/email/unsubscribe?token=U',
    })
    expect(m.text).not.toMatch(/\*\*|_it_|!\[/)
    expect(m.text).toContain('> > quoted')
    expect(m.text).toContain('> Bold and it')
    expect(m.text).toContain('> - one\n> - two')
    expect(m.text).toContain('a chart (https://img.example/c.png)')
    expect(m.html).toContain('<strong>Bold</strong> and <em>it</em>')
    expect(m.html).toContain('<li>one</li>')
    expect(m.html).not.toContain('<img')
  })
})
