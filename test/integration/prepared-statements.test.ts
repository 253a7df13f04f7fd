import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type OpenedDatabase } from '../../src/db/node.js'
import { requirePostgres, skipWithoutPostgres } from '../helpers/require.js'

/**
 * Prepared statements (src/db/postgres-driver.ts) and a migration under a live pool: a table
 * gains a column while a connection holds a prepared `select *` of it. PostgreSQL then refuses
 * the cached statement (0A000 "cached plan must not change result type"). Outside a transaction
 * postgres.js prepares it again and the caller sees nothing; inside one the error would abort the
 * transaction, so statements there are not prepared. PostgreSQL only: PGlite has no pool.
 */
describe.skipIf(skipWithoutPostgres('prepared statements across a migration'))('prepared statements across a migration', () => {
  const schema = `prep_${process.pid}_${Date.now().toString(36)}`
  let admin: OpenedDatabase
  let pool: OpenedDatabase
  beforeAll(async () => {
    const url = requirePostgres('prepared statements across a migration')
    admin = await openDatabase({ databaseUrl: url, max: 1 })
    await sql`create schema ${sql.id(schema)}`.execute(admin.db)
    await sql`create table ${sql.id(schema, 'things')} (id int primary key, name text)`.execute(admin.db)
    await sql`insert into ${sql.id(schema, 'things')} values (1, 'one')`.execute(admin.db)
    // ONE connection, so every statement below meets the statements it prepared before.
    pool = await openDatabase({ databaseUrl: url, max: 1, searchPath: schema })
  })
  afterAll(async () => {
    await pool?.close()
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db)
    await admin?.close()
  })

  const selectAll = (db: OpenedDatabase['db']) => sql<Record<string, unknown>>`select * from things where id = ${1}`.execute(db)

  it('prepares statements outside a transaction: a parameterised statement is one round trip, not two', async () => {
    await selectAll(pool.db)
    await selectAll(pool.db)
    const r = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like 'select * from things%'`.execute(pool.db)
    expect(r.rows[0]!.n).toBe(1)
  })

  it('prepares statements that name their columns inside a transaction, and not a select * there', async () => {
    const named = (db: OpenedDatabase['db']) => sql<Record<string, unknown>>`select id, name, count(*) over () as n from things where id = ${1}`.execute(db)
    const prepared = await pool.db.transaction().execute(async (trx) => {
      await named(trx)
      await selectAll(trx)
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.map((r) => r.statement)
    })
    expect(prepared.some((s) => s.startsWith('select id, name'))).toBe(true)
    expect(prepared.filter((s) => s.startsWith('select * from things'))).toHaveLength(1) // the one outside
    await sql`alter table ${sql.id(schema, 'things')} add column extra text`.execute(admin.db)
    const after = await pool.db.transaction().execute((trx) => named(trx))
    expect(after.rows[0]).toEqual({ id: 1, name: 'one', n: '1' })
  })

  it('sends BEGIN with the first statement of a transaction, and the transaction still holds: a rollback undoes it, a failure in the first statement too', async () => {
    await expect(
      pool.db.transaction().execute(async (trx) => {
        await sql`insert into things (id, name) values (${10}, ${'ten'})`.execute(trx)
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    await expect(
      pool.db.transaction().execute(async (trx) => {
        await sql`insert into things (id, name) values (${11}, ${'eleven'}), (${1}, ${'dup'})`.execute(trx)
      }),
    ).rejects.toThrow(/duplicate key/)
    // A transaction that sends nothing commits (and rolls back) without a word to the server.
    expect(await pool.db.transaction().execute(async () => 'nothing')).toBe('nothing')
    await expect(pool.db.transaction().execute(async () => { throw new Error('nothing either') })).rejects.toThrow('nothing either')
    const rows = await sql<{ id: number }>`select id from things where id in (${10}, ${11}) `.execute(pool.db)
    expect(rows.rows).toEqual([])
    const two = await pool.db.transaction().execute(async (trx) => {
      const a = await sql<{ x: string }>`select pg_current_xact_id()::text as x`.execute(trx)
      const b = await sql<{ x: string }>`select pg_current_xact_id()::text as x`.execute(trx)
      return [a.rows[0]!.x, b.rows[0]!.x]
    })
    // One transaction around both statements.
    expect(two[0]).toBe(two[1])
  })

  it('answers a prepared select * and a transaction select * after the table gained a column', async () => {
    await selectAll(pool.db)
    await pool.db.transaction().execute((trx) => selectAll(trx))
    await sql`alter table ${sql.id(schema, 'things')} add column note text default 'added'`.execute(admin.db)
    const outside = await selectAll(pool.db)
    expect(outside.rows[0]).toEqual({ id: 1, name: 'one', extra: null, note: 'added' })
    const inside = await pool.db.transaction().execute((trx) => selectAll(trx))
    expect(inside.rows[0]).toEqual({ id: 1, name: 'one', extra: null, note: 'added' })
    await sql`alter table ${sql.id(schema, 'things')} add column more int default 2`.execute(admin.db)
    // The first statement of a transaction after the change, and one after another statement.
    const again = await pool.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx)
      return selectAll(trx)
    })
    expect(again.rows[0]).toEqual({ id: 1, name: 'one', extra: null, note: 'added', more: 2 })
  })
})
