import type { Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// The language of the page a comment was written on (a tag like `es` or `pt-BR`, as the widget
// sends it, kept only when the emails speak it): the emails to its author use it. null: English.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('lang', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').dropColumn('lang').execute()
}
