import { describe, expect, it } from 'vitest'
import {
  banPhase,
  botPhase,
  contentPhases,
  editPhases,
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
