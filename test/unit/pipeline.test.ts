import { describe, expect, it } from 'vitest'
import {
  banPhase,
  botPhase,
  contentPhases,
  editPhases,
  editRefusalPhases,
  firstRefusal,
  phases,
  refusalPhases,
  closedPhase,
  disallowedPhase,
  duplicatePhase,
  floodPhase,
  linksPhase,
  matchKey,
  moderationKeyPhase,
  moderatorPhase,
  preModerationPhase,
  runPipeline,
  trustPhase,
  type PipelineInput,
} from '../../src/moderation/pipeline.js'
import { countLinks, renderMarkdown } from '../../src/comments/markdown.js'
import { siteSettingsSchema, type SiteSettings } from '../../src/sites/settings.js'

const now = new Date('2026-11-01T12:00:00Z')

function input(over: {
  comment?: Partial<PipelineInput['comment']>
  settings?: Partial<SiteSettings>
  facts?: Partial<PipelineInput['facts']>
} = {}): PipelineInput {
  const body = over.comment?.body ?? 'A fair point about the article.'
  const html = over.comment?.html ?? renderMarkdown(body)
  return {
    now,
    settings: siteSettingsSchema.parse(over.settings ?? {}),
    comment: {
      name: 'Ann',
      email: 'ann@example.org',
      url: '',
      body,
      html,
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
      hp: '',
      elapsedMs: undefined,
      linkCount: countLinks(html),
      ...over.comment,
    },
    facts: {
      threadClosed: false,
      threadCreatedAt: new Date('2026-10-30T00:00:00Z'),
      banned: false,
      lastPostAt: null,
      duplicate: false,
      isModerator: false,
      previouslyApproved: false,
      ...over.facts,
    },
  }
}

describe('phase 1: closed threads', () => {
  it('refuses a comment on a thread closed by hand', () => {
    expect(closedPhase(input({ facts: { threadClosed: true } }))?.kind).toBe('refuse')
  })
  it('refuses a comment on a thread older than closeAfterDays', () => {
    const d = closedPhase(input({ settings: { closeAfterDays: 1 } }))
    expect(d).toMatchObject({ kind: 'refuse', refusal: { code: 'comments_closed' } })
  })
  it('is off by default', () => {
    expect(closedPhase(input({ facts: { threadCreatedAt: new Date('2000-01-01') } }))).toBeNull()
  })
})

describe('phase 2: bans', () => {
  it('refuses a banned author', () => {
    expect(banPhase(input({ facts: { banned: true } }))).toMatchObject({ refusal: { code: 'banned' } })
  })
  it('lets others through', () => expect(banPhase(input())).toBeNull())
})

describe('phase 3: flood', () => {
  it('refuses a second comment within floodSeconds (15 s by default) and says how long to wait', () => {
    const d = floodPhase(input({ facts: { lastPostAt: new Date(now.getTime() - 5000) } }))
    expect(d).toMatchObject({ kind: 'refuse', refusal: { code: 'rate_limited', retryAfterSeconds: 10 } })
  })
  it('allows one after the window', () => {
    expect(floodPhase(input({ facts: { lastPostAt: new Date(now.getTime() - 15_000) } }))).toBeNull()
  })
  it('does not apply to moderators', () => {
    expect(floodPhase(input({ facts: { lastPostAt: now, isModerator: true } }))).toBeNull()
  })
})

describe('phase 4: duplicates', () => {
  it('refuses a duplicate', () => {
    expect(duplicatePhase(input({ facts: { duplicate: true } }))).toMatchObject({ refusal: { code: 'duplicate' } })
  })
})

describe('phase 5: bots', () => {
  it('marks a filled honeypot as spam', () => {
    expect(botPhase(input({ comment: { hp: 'http://spam.example' } }))).toMatchObject({ status: 'spam' })
  })
  it('marks a form sent faster than minFillSeconds (2 s) as spam', () => {
    expect(botPhase(input({ comment: { elapsedMs: 800 } }))).toMatchObject({ status: 'spam' })
    expect(botPhase(input({ comment: { elapsedMs: 2500 } }))).toBeNull()
  })
  it('does not judge a client that sends no timing', () => {
    expect(botPhase(input())).toBeNull()
  })
})

describe('phase 6: disallowed keys', () => {
  it('matches case-insensitive Unicode substrings in every field', () => {
    const settings = { disallowedKeys: ['CASINO'] }
    expect(disallowedPhase(input({ settings, comment: { body: 'best casinos here' } }))).toMatchObject({ status: 'spam' })
    expect(disallowedPhase(input({ settings, comment: { name: 'CasinoKing' } }))).toMatchObject({ status: 'spam' })
    expect(disallowedPhase(input({ settings, comment: { url: 'http://casino.example' } }))).toMatchObject({ status: 'spam' })
    expect(disallowedPhase(input({ settings: { disallowedKeys: ['ÜBER'] }, comment: { body: 'so über' } }))).toMatchObject({
      status: 'spam',
    })
  })
  it('matches the IP and the user agent', () => {
    expect(disallowedPhase(input({ settings: { disallowedKeys: ['203.0.113.'] } }))).toMatchObject({ status: 'spam' })
    expect(disallowedPhase(input({ settings: { disallowedKeys: ['curl/'] }, comment: { userAgent: 'curl/8.0' } }))).toMatchObject({
      status: 'spam',
    })
  })
  it('matches text split by markup once HTML is stripped', () => {
    const c = input({ settings: { disallowedKeys: ['bad word'] }, comment: { body: '**bad** word' } })
    expect(disallowedPhase(c)).toMatchObject({ status: 'spam' })
  })
  it('is empty by default', () => expect(disallowedPhase(input({ comment: { body: 'casino' } }))).toBeNull())
})

describe('phase 7: moderators', () => {
  it('approves a signed-in moderator', () => {
    expect(moderatorPhase(input({ facts: { isModerator: true } }))).toMatchObject({ status: 'approved' })
  })
})

describe('phase 8: pre-moderation', () => {
  it('holds everything in pre mode', () => {
    expect(preModerationPhase(input({ settings: { moderationMode: 'pre' } }))).toMatchObject({ status: 'pending' })
    expect(preModerationPhase(input())).toBeNull()
  })
})

describe('phase 9: links', () => {
  it('holds a comment with two links for moderation (maxLinks 2), counting bare URLs', () => {
    const body = 'See https://a.example and https://b.example'
    expect(linksPhase(input({ comment: { body } }))).toMatchObject({ status: 'pending' })
  })
  it('lets one link through', () => {
    expect(linksPhase(input({ comment: { body: 'See https://a.example' } }))).toBeNull()
  })
  it('is off when maxLinks is 0', () => {
    expect(linksPhase(input({ settings: { maxLinks: 0 }, comment: { body: 'https://a.example https://b.example' } }))).toBeNull()
  })
})

describe('phase 10: moderation keys', () => {
  it('holds a comment with a moderation word', () => {
    expect(moderationKeyPhase(input({ settings: { moderationKeys: ['Cartel'] }, comment: { body: 'the cartels' } }))).toMatchObject({
      status: 'pending',
    })
  })
})

describe('phase 11: trust', () => {
  it('holds a first comment in trusted mode (the default)', () => {
    expect(trustPhase(input())).toMatchObject({ status: 'pending' })
  })
  it('approves an author with an earlier approved comment', () => {
    expect(trustPhase(input({ facts: { previouslyApproved: true } }))).toMatchObject({ status: 'approved' })
  })
  it('approves everything in post mode', () => {
    expect(trustPhase(input({ settings: { moderationMode: 'post' } }))).toMatchObject({ status: 'approved' })
  })
})

describe('the whole pipeline', () => {
  it('stops at the first phase that decides, and records it', () => {
    const d = runPipeline(input({ comment: { hp: 'x' }, facts: { isModerator: true } }))
    expect(d).toMatchObject({ kind: 'status', status: 'spam', reasons: [{ phase: 'honeypot' }] })
  })
  it('puts bans before everything but a closed thread', () => {
    expect(runPipeline(input({ facts: { banned: true, threadClosed: true } }))).toMatchObject({
      refusal: { code: 'comments_closed' },
    })
    expect(runPipeline(input({ facts: { banned: true, duplicate: true } }))).toMatchObject({ refusal: { code: 'banned' } })
  })
  it('lets a moderator past pre-moderation and link limits', () => {
    const d = runPipeline(
      input({ settings: { moderationMode: 'pre' }, facts: { isModerator: true }, comment: { body: 'https://a.x https://b.x' } }),
    )
    expect(d).toMatchObject({ status: 'approved', reasons: [{ phase: 'moderator' }] })
  })
  it('holds a trusted author who posts two links', () => {
    const d = runPipeline(input({ facts: { previouslyApproved: true }, comment: { body: 'https://a.x https://b.x' } }))
    expect(d).toMatchObject({ status: 'pending', reasons: [{ phase: 'links' }] })
  })
})

describe('key matching on the body with its HTML tags stripped (as WordPress)', () => {
  const raw = (body: string) => ({ body, html: renderMarkdown(body) })
  it('finds a disallowed word split by raw HTML tags', () => {
    const c = input({ settings: { disallowedKeys: ['halfway'] }, comment: raw('we are <b>half</b>way') })
    expect(disallowedPhase(c)).toMatchObject({ status: 'spam', reasons: [{ phase: 'disallowed_key' }] })
    expect(matchKey(['halfway'], c.comment)).toBe('halfway')
  })
  it('finds a moderation word split by tags, attributes and all', () => {
    const c = input({ settings: { moderationKeys: ['cheap pills'] }, comment: raw('Buy <span class="x">cheap</span> <i>pills</i>') })
    expect(moderationKeyPhase(c)).toMatchObject({ status: 'pending', reasons: [{ phase: 'moderation_key' }] })
  })
  it('drops script and style elements with their content, as wp_strip_all_tags', () => {
    const c = input({ settings: { disallowedKeys: ['badword'] }, comment: raw('bad<script>x</script>word') })
    expect(disallowedPhase(c)).toMatchObject({ status: 'spam' })
  })
  it('still finds words in plain text and across Markdown emphasis; a lone < is text', () => {
    expect(matchKey(['halfway'], input({ comment: raw('half**way**') }).comment)).toBe('halfway')
    expect(matchKey(['a < b'], input({ comment: raw('if a < b then') }).comment)).toBe('a < b')
    expect(matchKey(['halfway'], input({ comment: raw('half <b>way') }).comment)).toBeNull()
  })
})

describe('refusals come before content rules', () => {
  it('firstRefusal decides from the facts alone, in pipeline order', () => {
    const { settings, now } = input()
    const facts = input({ facts: { banned: true, lastPostAt: now } }).facts
    expect(firstRefusal({ settings, now, facts })).toMatchObject({ refusal: { code: 'banned' } })
    expect(firstRefusal({ settings, now, facts: input().facts })).toBeNull()
    expect(firstRefusal({ settings, now, facts: { ...facts, banned: false } })).toMatchObject({ refusal: { code: 'rate_limited' } })
  })
  it('the whole pipeline is the refusals then the content phases', () => {
    expect(phases).toEqual([...refusalPhases, ...contentPhases])
    expect(editPhases).not.toContain(botPhase)
  })
})

// What the desk shows as "Held: …"/"Refused: …" (the audit log keeps it too): each phase's reason
// exactly, and every rule's edge, so a changed comparison or number shows.
describe('edges and reasons of each phase', () => {
  const days = (n: number) => new Date(now.getTime() - n * 86_400_000)
  it('closed: by hand, or older than closeAfterDays (not on the day itself)', () => {
    expect(closedPhase(input({ facts: { threadClosed: true } }))).toEqual({
      kind: 'refuse',
      refusal: { code: 'comments_closed' },
      reasons: [{ phase: 'closed', message: 'The thread is closed.' }],
    })
    const settings = { closeAfterDays: 30 }
    expect(closedPhase(input({ settings, facts: { threadCreatedAt: days(30) } }))).toBeNull()
    expect(closedPhase(input({ settings, facts: { threadCreatedAt: new Date(days(30).getTime() - 1000) } }))).toEqual({
      kind: 'refuse',
      refusal: { code: 'comments_closed' },
      reasons: [{ phase: 'closed', message: 'The thread is older than 30 days.' }],
    })
    expect(closedPhase(input({ settings, facts: { threadCreatedAt: days(29) } }))).toBeNull()
    expect(closedPhase(input({ settings: { closeAfterDays: 1 }, facts: { threadCreatedAt: days(1.001) } }))?.refusal).toEqual({ code: 'comments_closed' })
    expect(closedPhase(input({ settings: { closeAfterDays: 1 }, facts: { threadCreatedAt: now } }))).toBeNull()
  })
  it('ban and duplicate say why', () => {
    expect(banPhase(input({ facts: { banned: true } }))).toEqual({ kind: 'refuse', refusal: { code: 'banned' }, reasons: [{ phase: 'ban', message: 'The email or IP is banned.' }] })
    expect(duplicatePhase(input({ facts: { duplicate: true } }))).toEqual({
      kind: 'refuse',
      refusal: { code: 'duplicate' },
      reasons: [{ phase: 'duplicate', message: 'The same comment already exists.' }],
    })
    expect(duplicatePhase(input())).toBeNull()
  })
  it('flood: refused until floodSeconds have passed, told to wait the rest rounded up; off at 0', () => {
    const at = (msAgo: number, floodSeconds = 15) => floodPhase(input({ settings: { floodSeconds }, facts: { lastPostAt: new Date(now.getTime() - msAgo) } }))
    expect(at(14_999)).toEqual({
      kind: 'refuse',
      refusal: { code: 'rate_limited', retryAfterSeconds: 1 },
      reasons: [{ phase: 'flood', message: 'Posted again within 15 s.' }],
    })
    expect(at(13_500)?.refusal).toEqual({ code: 'rate_limited', retryAfterSeconds: 2 })
    expect(at(0)?.refusal).toEqual({ code: 'rate_limited', retryAfterSeconds: 15 })
    expect(at(15_000)).toBeNull()
    expect(at(0, 0)).toBeNull()
    expect(at(59_000, 60)?.refusal).toEqual({ code: 'rate_limited', retryAfterSeconds: 1 })
    expect(floodPhase(input({ facts: { lastPostAt: null } }))).toBeNull()
  })
  it('bots: a honeypot, or a form sent before minFillSeconds (not at it), with the time it took', () => {
    expect(botPhase(input({ comment: { hp: 'x' } }))).toEqual({ kind: 'status', status: 'spam', reasons: [{ phase: 'honeypot', message: 'The hidden honeypot field was filled in.' }] })
    expect(botPhase(input({ comment: { elapsedMs: 1234 } }))).toEqual({
      kind: 'status',
      status: 'spam',
      reasons: [{ phase: 'too_fast', message: 'The form was sent 1.2 s after it was shown.' }],
    })
    expect(botPhase(input({ comment: { elapsedMs: 1999 } }))).toMatchObject({ status: 'spam' })
    expect(botPhase(input({ comment: { elapsedMs: 2000 } }))).toBeNull()
    expect(botPhase(input({ settings: { minFillSeconds: 0 }, comment: { elapsedMs: 0 } }))).toBeNull()
  })
  it('keys: the matched key as written, blank keys ignored, one blank list matches nothing', () => {
    const c = input({ comment: { body: 'about the casino' } }).comment
    expect(matchKey(['  Casino  '], c)).toBe('  Casino  ')
    expect(matchKey(['', '   '], c)).toBeNull()
    expect(matchKey([], c)).toBeNull()
    expect(matchKey(['   ', 'casino'], c)).toBe('casino')
    expect(matchKey(['poker', 'CASINO', 'casino'], c)).toBe('CASINO')
    // Each field on its own.
    for (const [field, value] of [['name', 'Mr Casino'], ['email', 'casino@example.org'], ['url', 'https://casino.example'], ['ip', 'casino'], ['userAgent', 'CasinoBot']] as const)
      expect(matchKey(['casino'], input({ comment: { [field]: value } }).comment), field).toBe('casino')
    expect(matchKey(['casino'], input().comment)).toBeNull()
    // The rendered text only: a word that appears once Markdown is rendered.
    expect(matchKey(['casino'], input({ comment: { body: 'plain', html: '<p>cas<em>ino</em></p>' } }).comment)).toBe('casino')
    expect(disallowedPhase(input({ settings: { disallowedKeys: ['casino'] }, comment: { body: 'casino' } }))?.reasons).toEqual([
      { phase: 'disallowed_key', message: 'Contains the disallowed word "casino".' },
    ])
    expect(moderationKeyPhase(input({ settings: { moderationKeys: ['casino'] }, comment: { body: 'casino' } }))).toEqual({
      kind: 'status',
      status: 'pending',
      reasons: [{ phase: 'moderation_key', message: 'Contains the moderation word "casino".' }],
    })
    expect(moderationKeyPhase(input({ comment: { body: 'casino' } }))).toBeNull()
  })
  it('moderator, pre-moderation, links and trust say why', () => {
    expect(moderatorPhase(input({ facts: { isModerator: true } }))).toEqual({ kind: 'status', status: 'approved', reasons: [{ phase: 'moderator', message: 'Posted by a signed-in moderator.' }] })
    expect(moderatorPhase(input())).toBeNull()
    expect(preModerationPhase(input({ settings: { moderationMode: 'pre' } }))).toEqual({
      kind: 'status',
      status: 'pending',
      reasons: [{ phase: 'pre_moderation', message: 'The site holds every comment for review.' }],
    })
    expect(preModerationPhase(input({ settings: { moderationMode: 'post' } }))).toBeNull()
    expect(linksPhase(input({ settings: { maxLinks: 3 }, comment: { linkCount: 3 } }))).toEqual({
      kind: 'status',
      status: 'pending',
      reasons: [{ phase: 'links', message: 'Has 3 links; comments with 3 or more are held.' }],
    })
    expect(linksPhase(input({ settings: { maxLinks: 3 }, comment: { linkCount: 2 } }))).toBeNull()
    expect(linksPhase(input({ settings: { maxLinks: 1 }, comment: { linkCount: 1 } }))).toMatchObject({ status: 'pending' })
    expect(linksPhase(input({ settings: { maxLinks: 0 }, comment: { linkCount: 0 } }))).toBeNull()
    expect(trustPhase(input({ settings: { moderationMode: 'post' } }))?.reasons).toEqual([{ phase: 'post_moderation', message: 'The site publishes at once.' }])
    expect(trustPhase(input({ facts: { previouslyApproved: true } }))?.reasons).toEqual([{ phase: 'trusted', message: 'The author has an earlier approved comment.' }])
    expect(trustPhase(input())?.reasons).toEqual([{ phase: 'first_comment', message: 'The author has no earlier approved comment.' }])
    // Pre mode holds even a trusted author (phase 8 before 11); post mode still holds links.
    expect(runPipeline(input({ settings: { moderationMode: 'pre' }, facts: { previouslyApproved: true } }))?.reasons[0]?.phase).toBe('pre_moderation')
  })
  it('with no phase deciding, approves with "No rule held it."', () => {
    expect(runPipeline(input(), [])).toEqual({ kind: 'status', status: 'approved', reasons: [{ phase: 'trusted', message: 'No rule held it.' }] })
    expect(runPipeline(input(), [moderatorPhase, preModerationPhase])).toEqual({ kind: 'status', status: 'approved', reasons: [{ phase: 'trusted', message: 'No rule held it.' }] })
    expect(firstRefusal(input(), [])).toBeNull()
    expect(firstRefusal(input({ facts: { banned: true, threadClosed: true } }), [banPhase])?.refusal).toEqual({ code: 'banned' })
  })
  it('the phase lists, in order', () => {
    expect(refusalPhases).toEqual([closedPhase, banPhase, floodPhase, duplicatePhase])
    expect(contentPhases).toEqual([botPhase, disallowedPhase, moderatorPhase, preModerationPhase, linksPhase, moderationKeyPhase, trustPhase])
    expect(editPhases).toEqual([disallowedPhase, moderatorPhase, preModerationPhase, linksPhase, moderationKeyPhase, trustPhase])
    expect(editRefusalPhases).toEqual([closedPhase, banPhase])
  })
})
