import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type { Sql } from 'postgres'

/**
 * A Kysely dialect over postgres.js that survives a lost database connection.
 *
 * Why not kysely-postgres-js: it holds each connection with postgres.js `reserve()`. In
 * postgres.js 3.4.9 a reserved connection (and a `begin()` scope) keeps writing to its
 * connection after the socket closed — the next query, typically the ROLLBACK, schedules a
 * write on a null socket and the process dies with an uncatchable TypeError
 * (connection.js:255, porsager/postgres#1208, #1154) — and `release()` after the close puts
 * the dead connection back among the open ones. Its driver also inherits Kysely's
 * `PostgresDriver.rollbackTransaction`, which calls a private method the postgres.js
 * connection lacks, so a failed ROLLBACK became `PRIVATE_MARK_FOR_DISCARD_METHOD is not a
 * function` (a 500) instead of the real error. And postgres.js's reconnect backoff grows
 * to 10–20 s during an outage, and a socket that dies with a write still buffered leaves
 * that connection unable to send again (its flush timer is never reset).
 *
 * So: a pool of our own, each slot a postgres.js client of ONE connection used only through
 * its plain query path (never `reserve()`/`begin()`): the slot's owner is the only one
 * sending on it, so a transaction stays on its session. A slot whose connection failed (or a
 * query that timed out) is thrown away whole and a fresh client takes its place, so nothing a
 * broken connection left behind is ever used again; a transaction on a lost session is gone
 * with the session, so its rollback is a no-op. Waiting for a slot, connecting, and each
 * query have deadlines, so a request never hangs on a database that is away.
 */

export interface PostgresPoolOptions {
  /** Makes one postgres.js client; it is given `max: 1` and the timeouts below. */
  createClient(overrides: { max: 1; connect_timeout: number }): Sql
  /** Connections at most. */
  max: number
  /** Waiting for a free connection longer than this is a `POOL_TIMEOUT` error (a 503). */
  acquireTimeoutMs?: number
  /** Opening a connection longer than this is a `CONNECT_TIMEOUT` error (a 503). */
  connectTimeoutSeconds?: number
  /** A query running longer than this ends its connection (`QUERY_TIMEOUT`, a 503). */
  queryTimeoutMs?: number
}

export const POOL_DEFAULTS = { acquireTimeoutMs: 3_000, connectTimeoutSeconds: 3, queryTimeoutMs: 30_000 }

/** Errors of the connection, not of the query: the slot is thrown away. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'QUERY_TIMEOUT',
  // SQLSTATE: the server is shutting down or crashed, or cannot take the connection now
  '57P01', '57P02', '57P03', '53300',
])

export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08'))
}

function connectionError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

interface Slot {
  client: Sql
  /** Set when its connection failed: thrown away on release, never reused. */
  broken: boolean
}

class PoolConnection implements DatabaseConnection {
  constructor(
    readonly slot: Slot,
    private readonly queryTimeoutMs: number,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.slot.broken) throw connectionError('CONNECTION_CLOSED', 'the database connection was lost')
    const pending = this.slot.client.unsafe(compiled.sql, compiled.parameters as any[])
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(connectionError('QUERY_TIMEOUT', `the database did not answer within ${this.queryTimeoutMs} ms`)), this.queryTimeoutMs)
    })
    try {
      const result = await Promise.race([pending, timeout])
      const command = result.command
      const out: QueryResult<R> & { command: string } = {
        ...(command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
          ? { numAffectedRows: BigInt(result.count) }
          : {}),
        rows: Array.from(result) as R[],
        // For commitTransaction: COMMIT of an aborted transaction completes as ROLLBACK.
        command,
      }
      return out
    } catch (err) {
      if (isConnectionError(err)) {
        this.slot.broken = true
        // The race may have left the query pending; its late rejection is expected.
        pending.catch(() => {})
      }
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (this.slot.broken) throw connectionError('CONNECTION_CLOSED', 'the database connection was lost')
    try {
      const cursor = this.slot.client.unsafe(compiled.sql, compiled.parameters as any[]).cursor(chunkSize)
      for await (const rows of cursor) yield { rows: rows as R[] }
    } catch (err) {
      if (isConnectionError(err)) this.slot.broken = true
      throw err
    }
  }
}

export class PostgresPoolDriver implements Driver {
  readonly #opts: Required<PostgresPoolOptions>
  readonly #idle: Slot[] = []
  readonly #all = new Set<Slot>()
  readonly #waiters: { resolve(slot: Slot): void; reject(err: Error): void; timer: ReturnType<typeof setTimeout> }[] = []
  #destroyed = false

  constructor(opts: PostgresPoolOptions) {
    this.#opts = { ...POOL_DEFAULTS, ...opts }
  }

  async init(): Promise<void> {}

  #newSlot(): Slot {
    const slot: Slot = { client: this.#opts.createClient({ max: 1, connect_timeout: this.#opts.connectTimeoutSeconds }), broken: false }
    this.#all.add(slot)
    return slot
  }

  #discard(slot: Slot) {
    this.#all.delete(slot)
    // Ends a lost connection at once; a late error of the old client has nobody to reach.
    slot.client.end({ timeout: 0 }).catch(() => {})
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroyed) throw connectionError('CONNECTION_ENDED', 'driver has already been destroyed')
    const slot =
      this.#idle.pop() ??
      (this.#all.size < this.#opts.max
        ? this.#newSlot()
        : await new Promise<Slot>((resolve, reject) => {
            const waiter = {
              resolve,
              reject,
              timer: setTimeout(() => {
                this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
                reject(connectionError('POOL_TIMEOUT', `no database connection free within ${this.#opts.acquireTimeoutMs} ms`))
              }, this.#opts.acquireTimeoutMs),
            }
            this.#waiters.push(waiter)
          }))
    return new PoolConnection(slot, this.#opts.queryTimeoutMs)
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    let slot = (connection as PoolConnection).slot
    if (slot.broken || this.#destroyed) {
      this.#discard(slot)
      if (this.#destroyed) return
      if (this.#waiters.length === 0) return
      slot = this.#newSlot()
    }
    const waiter = this.#waiters.shift()
    if (waiter) {
      clearTimeout(waiter.timer)
      waiter.resolve(slot)
    } else this.#idle.push(slot)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let begin = 'begin'
    if (settings.isolationLevel || settings.accessMode) {
      begin = 'start transaction'
      if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`
      if (settings.accessMode) begin += ` ${settings.accessMode}`
    }
    await connection.executeQuery(CompiledQuery.raw(begin))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const result = (await connection.executeQuery(CompiledQuery.raw('commit'))) as QueryResult<unknown> & { command?: string }
    if (result.command === 'ROLLBACK') throw new Error('the transaction was aborted and rolled back')
  }

  /**
   * Never throws: when ROLLBACK cannot run (the connection is gone, or anything else), the
   * connection is thrown away, which ends its session and so its transaction; the caller
   * then sees the error that made it roll back, not this one.
   */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const slot = (connection as PoolConnection).slot
    if (slot.broken) return
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'))
    } catch {
      slot.broken = true
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`))
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`))
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`))
  }

  /** Ends every connection: in-use ones after their query, within `timeoutSeconds`. */
  async destroy(timeoutSeconds = 5): Promise<void> {
    this.#destroyed = true
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer)
      w.reject(connectionError('CONNECTION_ENDED', 'driver has already been destroyed'))
    }
    this.#idle.length = 0
    const slots = [...this.#all]
    this.#all.clear()
    await Promise.all(slots.map((s) => s.client.end({ timeout: timeoutSeconds }).catch(() => {})))
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

export class PostgresPoolDialect implements Dialect {
  constructor(private readonly opts: PostgresPoolOptions) {}
  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PostgresPoolDriver(this.opts)
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
}
