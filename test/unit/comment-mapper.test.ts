import { describe, expect, it } from 'vitest'
import type { CommentStatus } from '../../db/schema.js'
import { avatarUrl, defaultAvatarUrl, toPublicComment } from '../../src/comments/comment.mapper.js'

// The one place a comment leaves for the public (API.md, "Comment"): exactly these fields, never
// an email, spam shown to its author as pending, a tombstone for a deleted one.
const URL_ = 'https://comments.example'
const row = (over: Record<string, unknown> = {}) =>
  ({
    id: 'c1',
    parent_id: 'p1',
    depth: 1,
    status: 'approved' as CommentStatus,
    body_html: '<p>Hello</p>',
    body_md: 'Hello',
    author_name: 'Ann',
    author_url: 'https://ann.example',
    author_email: 'ann@example.org',
    avatar_key: 'abc123',
    created_at: '2026-11-01T10:00:00.000Z',
    edited_at: null,
    ...over,
  }) as Parameters<typeof toPublicComment>[0]

describe('toPublicComment', () => {
  it('maps a published comment to exactly the public fields', () => {
    expect(toPublicComment(row(), URL_, 4)).toEqual({
      id: 'c1',
      parentId: 'p1',
      depth: 1,
      author: { name: 'Ann', url: 'https://ann.example', avatar: 'https://comments.example/avatar/abc123.svg', badge: null },
      html: '<p>Hello</p>',
      createdAt: '2026-11-01T10:00:00.000Z',
      editedAt: null,
      status: 'approved',
      replyCount: 4,
      upvotes: 0,
      downvotes: 0,
    })
    const voted = toPublicComment(row({ upvotes: 5, downvotes: 2, badge: 'staff' }), URL_)
    expect(voted).toMatchObject({ upvotes: 5, downvotes: 2, author: { badge: 'staff' } })
    expect(JSON.stringify(toPublicComment(row(), URL_, 0, true))).not.toContain('ann@example.org')
  })

  it('takes dates as Date or string, and an edit time when there is one', () => {
    const c = toPublicComment(row({ created_at: new Date('2026-11-02T00:00:00Z'), edited_at: '2026-11-02T01:02:03Z' }), URL_)
    expect(c.createdAt).toBe('2026-11-02T00:00:00.000Z')
    expect(c.editedAt).toBe('2026-11-02T01:02:03.000Z')
    expect(c.replyCount).toBe(0)
  })

  it('shows spam and rejected comments to their author as pending, with the default picture', () => {
    for (const status of ['pending', 'spam', 'rejected'] as const) {
      const c = toPublicComment(row({ status }), URL_)
      expect(c.status, status).toBe('pending')
      expect(c.author).toEqual({ name: 'Ann', url: 'https://ann.example', avatar: 'https://comments.example/avatar/default.svg', badge: null })
      expect(c.html).toBe('<p>Hello</p>')
    }
  })

  it('a deleted comment is a tombstone: no author, no text, no source', () => {
    const c = toPublicComment(row({ status: 'deleted', upvotes: 3, downvotes: 1, badge: 'author' }), URL_, 2, true)
    expect(c).toMatchObject({ id: 'c1', status: 'deleted', author: { name: '', url: null, avatar: '', badge: null }, html: '', replyCount: 2, upvotes: 0, downvotes: 0 })
    expect(c).not.toHaveProperty('body')
  })

  it('gives the Markdown source only to its owner, and only when there is one', () => {
    expect(toPublicComment(row(), URL_, 0, true).body).toBe('Hello')
    expect(toPublicComment(row({ status: 'spam' }), URL_, 0, true).body).toBe('Hello')
    expect(toPublicComment(row(), URL_, 0, false)).not.toHaveProperty('body')
    expect(toPublicComment(row(), URL_)).not.toHaveProperty('body')
    expect(toPublicComment(row({ body_md: null }), URL_, 0, true)).not.toHaveProperty('body')
    expect(toPublicComment(row({ body_md: undefined }), URL_, 0, true)).not.toHaveProperty('body')
  })

  it('builds avatar addresses on the public URL', () => {
    expect(avatarUrl(URL_, 'k')).toBe('https://comments.example/avatar/k.svg')
    expect(defaultAvatarUrl(URL_)).toBe('https://comments.example/avatar/default.svg')
  })
})
