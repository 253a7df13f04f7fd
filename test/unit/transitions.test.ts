import { describe, expect, it } from 'vitest'
import type { CommentStatus } from '../../db/schema.js'
import { MODERATION_ACTIONS, nextStatus, TRANSITIONS } from '../../src/moderation/transitions.js'

const STATUSES: CommentStatus[] = ['pending', 'approved', 'rejected', 'spam', 'deleted']

// The whole table (DESIGN.md, "Moderation"), written out once more by hand: every action from
// every status, so a changed cell — an action allowed where it must not be — fails here.
const EXPECTED: Record<string, Record<CommentStatus, CommentStatus | null>> = {
  approve: { pending: 'approved', approved: null, rejected: 'approved', spam: 'approved', deleted: null },
  reject: { pending: 'rejected', approved: 'rejected', rejected: null, spam: 'rejected', deleted: null },
  spam: { pending: 'spam', approved: 'spam', rejected: 'spam', spam: null, deleted: null },
  restore: { pending: null, approved: null, rejected: 'pending', spam: 'pending', deleted: 'pending' },
  delete: { pending: 'deleted', approved: 'deleted', rejected: 'deleted', spam: 'deleted', deleted: null },
}

describe('moderation transitions', () => {
  it('are the five actions of the contract', () => {
    expect([...MODERATION_ACTIONS]).toEqual(['approve', 'reject', 'spam', 'restore', 'delete'])
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...MODERATION_ACTIONS].sort())
  })

  for (const action of MODERATION_ACTIONS)
    for (const from of STATUSES)
      it(`${action} from ${from} → ${EXPECTED[action]![from] ?? 'refused'}`, () => {
        expect(nextStatus(action, from)).toBe(EXPECTED[action]![from])
        expect(nextStatus(action, from, 0)).toBe(EXPECTED[action]![from])
      })

  it('approving a published comment with open reports keeps it approved (dismisses the reports); without reports it is refused', () => {
    expect(nextStatus('approve', 'approved', 1)).toBe('approved')
    expect(nextStatus('approve', 'approved', 3)).toBe('approved')
    expect(nextStatus('approve', 'approved', 0)).toBeNull()
    expect(nextStatus('approve', 'approved')).toBeNull()
  })

  it('open reports allow nothing else that the table refuses', () => {
    for (const action of MODERATION_ACTIONS)
      for (const from of STATUSES) {
        if (action === 'approve' && from === 'approved') continue
        expect(nextStatus(action, from, 2), `${action} from ${from}`).toBe(EXPECTED[action]![from])
      }
  })
})
