import type { Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Global bans (and their removal) belong to no site, yet are audited like everything else.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('moderation_actions').alterColumn('site_id', (c) => c.dropNotNull()).execute()
  await db.schema.createIndex('moderation_actions_actor_idx').on('moderation_actions').columns(['actor_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('moderation_actions_actor_idx').ifExists().execute()
  await db.deleteFrom('moderation_actions').where('site_id', 'is', null).execute()
  await db.schema.alterTable('moderation_actions').alterColumn('site_id', (c) => c.setNotNull()).execute()
}
