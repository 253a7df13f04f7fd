import { sql } from 'kysely'
import type { Reason } from '../../db/schema.js'
import { jsonb, type Database } from '../../src/db/index.js'
import { newId } from '../../src/lib/ids.js'
import { createSession, SESSION_COOKIE } from '../../src/auth/session.js'
import { createUser } from '../../src/auth/user.service.js'
import type { Deps } from '../../src/deps.js'

/**
 * Inserts n pending comments (distinct authors, one thread) on a site straight into the
 * database, in batches: the bench's "50 out of 10,000 pending" queue. Returns the thread id.
 */
export async function seedPendingComments(db: Database, siteId: string, n: number, start = new Date('2026-01-01T00:00:00Z')): Promise<string> {
  const threadId = newId()
  await db
    .insertInto('threads')
    .values({ id: threadId, site_id: siteId, uri: `/seed/${threadId}`, title: 'Seeded thread', authors: sql`'[]'::jsonb`, created_at: start, updated_at: start })
    .execute()
  const BATCH = 500
  for (let i = 0; i < n; i += BATCH) {
    const rows = []
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      const id = newId()
      const at = new Date(start.getTime() + j * 1000)
      rows.push({
        id,
        site_id: siteId,
        thread_id: threadId,
        parent_id: null,
        root_id: id,
        depth: 0,
        status: 'pending' as const,
        body_md: `Seeded comment ${j}`,
        body_html: `<p>Seeded comment ${j}</p>`,
        author_name: `Seeded ${j}`,
        author_email: `seeded${j}@example.org`,
        author_url: null,
        email_key: `seed-email-${j % 997}`,
        avatar_key: `seed${j}`.padEnd(32, '0'),
        ip_key: `seed-ip-${j % 251}`,
        user_agent: null,
        user_id: null,
        edit_token_hash: null,
        editable_until: null,
        reasons: jsonb<Reason[]>([{ phase: 'first_comment', message: 'Seeded.' }]),
        created_at: at,
        edited_at: null,
        updated_at: at,
      })
    }
    await db.insertInto('comments').values(rows).execute()
  }
  return threadId
}

/**
 * An admin of every site and a live session for it, without the login route (no argon2 cost):
 * returns the `Cookie` header value for moderator requests (bench, tests).
 */
export async function seedModeratorSession(deps: Deps, email = `bench-${newId()}@parley.test`): Promise<string> {
  const user = await createUser(deps.db, deps.passwords, { email, password: newId(), role: 'admin', sites: null }, deps.clock.now())
  const { token } = await createSession(deps, user.id)
  return `${SESSION_COOKIE}=${token}`
}
