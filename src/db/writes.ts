import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely'

/**
 * Write tracking for a database that one process owns and runs one statement at a time (embedded
 * PGlite: its data directory is locked to one process, and its one connection is lent to one
 * statement or one transaction at a time). Every statement that may change data — and every
 * COMMIT and ROLLBACK — moves the database's generation on, before and after it runs; a read
 * cached with the generation it began at is current for as long as the generation has not moved
 * (the moderator queue, src/moderation/queue.service.ts). PostgreSQL has no such tracker: other
 * processes write to it too, so nothing is cached there.
 */
export class WriteGeneration {
  value = 0
}

const tracked = new WeakMap<object, WriteGeneration>()

/** The write generation of a tracked database; null for one without a tracker (PostgreSQL, or a Kysely wrapped by withPlugin). */
export function writeGeneration(db: object): number | null {
  return tracked.get(db)?.value ?? null
}

export function trackWrites(db: object, g: WriteGeneration): void {
  tracked.set(db, g)
}

const READ = /^\s*(select|with|explain|show|values|table|begin|start\s+transaction)\b/i
const WRITES = /\b(insert|update|delete|merge|truncate|copy|nextval|setval|lock|do|call|commit|rollback|prepare|for\s+(no\s+key\s+)?update|for\s+(key\s+)?share)\b/i

/** Whether a statement may change data. Conservative: anything but a plain read counts (DDL, SET, functions named above). */
export function mayWrite(sql: string): boolean {
  return !READ.test(sql) || WRITES.test(sql)
}

interface Wrapped extends DatabaseConnection {
  inner: DatabaseConnection
}

/** A dialect whose statements move `g` when they may write. */
export function countingWrites(dialect: Dialect, g: WriteGeneration): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => {
      const inner: Driver = dialect.createDriver()
      const run = async <R>(c: DatabaseConnection, q: CompiledQuery): Promise<QueryResult<R>> => {
        const writes = mayWrite(q.sql)
        if (writes) g.value++
        try {
          return await c.executeQuery<R>(q)
        } finally {
          if (writes) g.value++
        }
      }
      const driver: Driver = {
        init: () => inner.init(),
        acquireConnection: async () => {
          const c = await inner.acquireConnection()
          const wrapped: Wrapped = {
            inner: c,
            executeQuery: (q) => run(c, q),
            streamQuery: (q, chunkSize) => {
              if (mayWrite(q.sql)) g.value++
              return c.streamQuery(q, chunkSize)
            },
          }
          return wrapped
        },
        releaseConnection: (c) => inner.releaseConnection((c as Wrapped).inner),
        beginTransaction: (c, settings: TransactionSettings) => inner.beginTransaction((c as Wrapped).inner, settings),
        commitTransaction: async (c) => {
          g.value++
          try {
            await inner.commitTransaction((c as Wrapped).inner)
          } finally {
            g.value++
          }
        },
        rollbackTransaction: async (c) => {
          g.value++
          try {
            await inner.rollbackTransaction((c as Wrapped).inner)
          } finally {
            g.value++
          }
        },
        destroy: () => inner.destroy(),
      }
      return driver
    },
  }
}
