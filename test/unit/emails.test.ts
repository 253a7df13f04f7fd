import { describe, expect, it } from 'vitest'
import { commentApproved, confirmAddress, moderationNeeded, newCommentForAuthor, privacyLink, reply } from '../../emails/index.js'

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

describe('the emails to a commenter in each language (issue 15)', () => {
  const base = { siteName: 'Noticias <&>', recipientName: 'Ana', threadTitle: 'México & "cárteles"', unsubscribeUrl: 'https://c.example/u?t=1', privacyUrl: 'https://c.example/privacy?site=n' }
  const render = (lang: string | null) => [
    confirmAddress({ ...base, confirmUrl: 'https://c.example/confirm?t=1', lang }),
    commentApproved({ ...base, text: 'Hola', commentUrl: 'https://n.example/a#comment-1', lang }),
    reply({ ...base, replyAuthorName: 'Ben', parentText: 'Mine', replyText: 'Yours', commentUrl: 'https://n.example/a#comment-2', lang }),
    privacyLink({ siteName: base.siteName, manageUrl: 'https://c.example/privacy/manage?token=x', expiresAt: new Date('2026-12-01T10:00:00Z'), lang }),
  ]
  const english = render(null)
  const expected: Record<string, string[]> = {
    es: ['Confirma tu dirección de correo electrónico', 'se ha publicado', 'Ben ha respondido a tu comentario', 'Tus comentarios y datos'],
    fr: ['Veuillez confirmer votre adresse e-mail', 'est publié', 'Ben a répondu à votre commentaire', 'Vos commentaires et vos données'],
    de: ['Bitte bestätige deine E-Mail-Adresse', 'ist veröffentlicht', 'Ben hat auf deinen Kommentar', 'Deine Kommentare und Daten'],
    'pt-BR': ['Confirme seu endereço de e-mail', 'foi publicado', 'Ben respondeu ao seu comentário', 'Seus comentários e dados'],
  }
  it('"en", null and an unknown language are the English emails', () => {
    expect(render('en')).toEqual(english)
    expect(render('ja')).toEqual(english)
  })
  for (const [lang, subjects] of Object.entries(expected)) {
    it(`${lang}: subjects, text and HTML in ${lang}, user strings still escaped`, () => {
      const mails = render(lang)
      mails.forEach((m, i) => {
        expect(m.subject).toContain(subjects[i])
        expect(m.subject.startsWith('[Noticias <&>] ')).toBe(true)
        // Every line of words differs from the English one (links and quotes aside).
        const words = (s: string) => s.split('\n').filter((l) => /[a-z]{4}/i.test(l) && !l.startsWith('>') && !/^https?:/.test(l))
        const en = new Set(words(english[i]!.text))
        for (const line of words(m.text)) expect(en.has(line), line).toBe(false)
        expect(m.html).not.toContain('<&>')
        expect(m.html).toContain('Noticias &lt;&amp;&gt;')
        expect(m.html).not.toContain('"cárteles"')
      })
    })
  }
})
