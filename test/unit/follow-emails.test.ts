import { describe, expect, it } from 'vitest'
import { DIGEST_LISTED, DIGEST_SHOWN, followConfirm, followDigest } from '../../emails/index.js'

const base = { siteName: 'News <Example>', threadTitle: 'Tacos & "politics"', threadUrl: 'https://news.example/t', unsubscribeUrl: 'https://parley.test/email/follow/unsubscribe?token=u', privacyUrl: 'https://parley.test/privacy?site=news' }
const comments = (n: number) => Array.from({ length: n }, (_, i) => ({ authorName: `Reader ${i}`, text: `Words of comment ${i}.`, url: `https://news.example/t#comment-c${i}` }))

describe('the follow emails (issue 15)', () => {
  it('a digest quotes the first comments, lists the next ones a line each, and counts the rest', () => {
    const n = DIGEST_SHOWN + DIGEST_LISTED + 7
    const m = followDigest({ ...base, comments: comments(n) })
    expect(m.subject).toBe(`[News <Example>] ${n} new comments on "Tacos & "politics""`)
    for (let i = 0; i < DIGEST_SHOWN + DIGEST_LISTED; i++) expect(m.text).toContain(`#comment-c${i}\n`)
    expect(m.text).not.toContain(`#comment-c${DIGEST_SHOWN + DIGEST_LISTED}`)
    expect(m.text).toContain('7 more comments are on the page.')
    expect(m.text).toContain('> Words of comment 0.')
    expect(m.text).toContain(`- Reader ${DIGEST_SHOWN}: Words of comment ${DIGEST_SHOWN}.`)
    expect(m.text).toContain(`Unsubscribe (stops emails about this article): ${base.unsubscribeUrl}`)
    expect(m.html).toContain('News &lt;Example&gt;')
    expect(m.html).not.toContain('<Example>')
  })

  it('one comment: singular words; escaped names and text; other languages', () => {
    const one = followDigest({ ...base, comments: [{ authorName: '<b>Eve</b>', text: 'Hi <script>alert(1)</script>', url: null }] })
    expect(one.subject).toBe('[News <Example>] New comment on "Tacos & "politics""')
    expect(one.text).toContain('A new comment was published on "Tacos & "politics"":')
    expect(one.html).not.toContain('<script>')
    expect(one.html).not.toContain('<b>Eve</b>')
    expect(followDigest({ ...base, lang: 'pt-BR', comments: comments(2) }).subject).toBe('[News <Example>] 2 novos comentários em “Tacos & "politics"”')
    expect(followDigest({ ...base, lang: 'de-AT', comments: comments(1) }).subject).toBe('[News <Example>] Neuer Kommentar zu „Tacos & "politics"“')
  })

  it('the confirmation says how often digests may come and how to ignore it', () => {
    const m = followConfirm({ ...base, confirmUrl: 'https://parley.test/email/follow/confirm?token=c', digestMinutes: 60, lang: 'fr' })
    // Subjects are one line of plain spaces (oneLine), the French no-break spaces included.
    expect(m.subject).toBe('[News <Example>] Veuillez confirmer : nouveaux commentaires sur « Tacos & "politics" »')
    expect(m.text).toContain('https://parley.test/email/follow/confirm?token=c')
    expect(m.text).toContain('Au plus un e-mail toutes les 60 minutes')
    expect(m.html).toContain('href="https://news.example/t"')
  })
})
