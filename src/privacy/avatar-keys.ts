import { sql } from 'kysely'
import type { Database } from '../db/index.js'
import { AVATAR_KEY_LENGTH, type Keyring } from './keys.js'

/**
 * Makes the stored avatar keys of older comments (one HMAC of the email for every site) per site,
 * from the stored email. Needs the secret, so it runs after the migrations at start-up and in
 * `npm run migrate`, not inside a migration; a finished run finds nothing and costs one query.
 */
export async function rekeyAvatars(db: Database, keys: Keyring, batch = 500): Promise<number> {
  let done = 0
  let after = ''
  for (;;) {
    const rows = await db
      .selectFrom('comments')
      .select(['id', 'site_id', 'author_email', 'author_name'])
      .where(sql<number>`length(avatar_key)`, '<>', AVATAR_KEY_LENGTH)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute()
    if (rows.length === 0) return done
    const values = await Promise.all(
      rows.map(async (r) => sql`(${r.id}, ${await keys.avatarKey(r.site_id, { email: r.author_email, name: r.author_name })})`),
    )
    await sql`update comments set avatar_key = v.k from (values ${sql.join(values)}) as v(id, k) where comments.id = v.id`.execute(db)
    done += rows.length
    after = rows[rows.length - 1]!.id
  }
}
