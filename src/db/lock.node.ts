import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The embedded database (PGlite) is one process only: a second process on the same data
 * directory writes behind the first one's back and can leave it unable to boot. So whoever opens
 * it (server, worker, CLI, migrate) first takes `parley.lock` in the directory, holding its pid
 * and, for a server, its port. A lock whose pid is gone (kill -9, a crash) is stale and is taken
 * over. PostgreSQL needs none of this.
 */
export const LOCK_FILE = 'parley.lock'

export interface LockHolder {
  pid: number
  /** The port a server listens on; null for the CLI, migrate and the worker. */
  port: number | null
  /** What holds it, as the user typed it: `npm start`, `npm run parley`, … */
  command: string
  since: string
}

/** A second process refused: the message is one line saying who holds the directory and what to do. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    command: string,
  ) {
    super(lockedMessage(dataDir, holder, command))
    this.name = 'DataDirLockedError'
  }
}

export function lockedMessage(dataDir: string, h: LockHolder, command: string): string {
  const who = h.port !== null ? `Parley's server (pid ${h.pid}, port ${h.port})` : `\`${h.command}\` (pid ${h.pid})`
  const todo =
    h.port !== null
      ? command === 'npm start'
        ? 'it is already running there'
        : `stop it first (Ctrl-C in its shell, or kill ${h.pid}) and run this again; for the first admin, open the /mod/setup link it printed`
      : 'wait for it to finish, then run this again'
  return `Error: the embedded database in ${dataDir} is in use by ${who}, and PGlite allows one process at a time: ${todo} (or use PostgreSQL: DATABASE_URL).`
}

export interface DataDirLock {
  readonly path: string
  /** Set when a stale lock (its pid gone) was taken over. */
  readonly tookOver: LockHolder | null
  /** Records the port once the server listens (PORT=0 picks one). */
  setPort(port: number): void
  release(): void
}

function readHolder(path: string): LockHolder | null | 'missing' {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw err
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>
    if (typeof h.pid !== 'number' || !Number.isInteger(h.pid) || h.pid <= 0) return null
    return { pid: h.pid, port: typeof h.port === 'number' ? h.port : null, command: String(h.command ?? 'a Parley process'), since: String(h.since ?? '') }
  } catch {
    return null
  }
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Writes the lock file in one step (a temp file hard-linked into place): nobody reads it half written. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(tmp, JSON.stringify(holder) + '\n', { mode: 0o600 })
  try {
    linkSync(tmp, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    try {
      unlinkSync(tmp)
    } catch {}
  }
}

/**
 * Takes the data directory's lock or throws DataDirLockedError. A lock left by a process that
 * is gone (or an unreadable one) is taken over, and `tookOver` says whose it was.
 */
export function lockDataDir(dataDir: string, who: { command: string; port?: number | null }): DataDirLock {
  const path = join(dataDir, LOCK_FILE)
  const holder: LockHolder = { pid: process.pid, port: who.port ?? null, command: who.command, since: new Date().toISOString() }
  let tookOver: LockHolder | null = null
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, holder)) break
    const current = readHolder(path)
    if (current === 'missing') continue // released between our two steps: try again
    if (current && pidAlive(current.pid)) throw new DataDirLockedError(dataDir, current, who.command)
    if (attempt >= 3) throw new Error(`Could not take the lock ${path}: it keeps changing. Is another Parley starting there?`)
    // Stale: its process is gone. Remove it and take it (a racing taker finds ours alive).
    tookOver = current ?? { pid: 0, port: null, command: 'unknown (unreadable lock file)', since: '' }
    try {
      unlinkSync(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  let released = false
  const release = () => {
    if (released) return
    released = true
    process.removeListener('exit', release)
    // Only our own lock: never one a later process took over.
    const current = readHolder(path)
    if (current !== 'missing' && current?.pid === process.pid) {
      try {
        unlinkSync(path)
      } catch {}
    }
  }
  // A normal exit (process.exit, an uncaught error) lets the lock go; kill -9 leaves a stale one.
  process.on('exit', release)
  return {
    path,
    tookOver,
    setPort(port) {
      if (released) return
      holder.port = port
      writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(holder) + '\n', { mode: 0o600 })
      // rename replaces the file in one step.
      renameSync(`${path}.${process.pid}.tmp`, path)
    },
    release,
  }
}


/** The line saying a stale lock was taken over, if one was. */
export function tookOverNotice(lock: DataDirLock | undefined, dataDir: string): string | null {
  const h = lock?.tookOver
  if (!h) return null
  return h.pid
    ? `Took over the lock on ${dataDir}: its holder (pid ${h.pid}, ${h.command}) is no longer running.`
    : `Took over an unreadable lock file on ${dataDir}.`
}
