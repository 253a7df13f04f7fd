import type { Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit after it has shipped.
// Every imported comment remembers where it came from (WordPress, Disqus, a Parley export) and
// its id there: the primary key makes a second import of the same file add nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comment_imports')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    // 'wordpress:<site url>', 'disqus:<forum>', 'parley:<site id>', …
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('comment_imports_pkey', ['site_id', 'source', 'source_id'])
    .execute()
  await db.schema.createIndex('comment_imports_comment_idx').on('comment_imports').column('comment_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('comment_imports').ifExists().execute()
}
