import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const ROOT = new URL('../../', import.meta.url).pathname
const PG_THROWAWAY = process.env.PG_THROWAWAY ?? '/work/shared/tools/pg-throwaway'

/** Why the throwaway-cluster drills cannot run here, or null when they can. */
export function clusterUnavailable(): string | null {
  if (!existsSync(PG_THROWAWAY)) return `no pg-throwaway tool at ${PG_THROWAWAY}`
  const hasBinaries =
    existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`))
  return hasBinaries ? null : 'no PostgreSQL server binaries under /usr/lib/postgresql'
}

/**
 * Whether to skip the cluster drills: a machine without PostgreSQL binaries skips them with one
 * clear line, but CI (CI=true) must run them, so there the missing binaries are a failure.
 */
export function skipClusterDrill(): boolean {
  const why = clusterUnavailable()
  if (!why) return false
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`The PostgreSQL fault drill cannot run in CI: ${why}`)
  console.warn(`[faults] SKIPPED the PostgreSQL cluster drill: ${why} (install PostgreSQL server binaries to run it)`)
  return true
}

/** A PostgreSQL cluster of our own (crash it, stop it, start it again), never the shared one. */
export class ThrowawayCluster {
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}
  url = ''
  async start(): Promise<string> {
    const { stdout } = await run(PG_THROWAWAY, ['start', this.dir, String(this.port)])
    this.url = stdout.trim().split('\n').pop()!
    return this.url
  }
  /** SIGKILL the postmaster: a crash. */
  async kill() {
    await run(PG_THROWAWAY, ['kill', this.dir])
  }
  async stop(mode: 'fast' | 'immediate' | 'smart' = 'fast') {
    await run(PG_THROWAWAY, ['stop', this.dir, mode])
  }
  async remove() {
    await run(PG_THROWAWAY, ['remove', this.dir]).catch(() => {})
  }
  /** psql against the cluster, one statement; the output rows as text. */
  async psql(query: string, db = 'postgres'): Promise<string> {
    const { stdout } = await run('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', db, '-At', '-c', query])
    return stdout.trim()
  }
}

export interface Spawned {
  child: ChildProcess
  /** Every line the process wrote, stdout and stderr. */
  lines: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves with the first line matching `re` (rejects when the process exits first or after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>
  exitCode(): number | null | undefined
  kill(signal?: NodeJS.Signals): void
}

/** Runs a TypeScript entry of ours in its own Node process (tsx as a loader: one pid, no wrapper). */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = ''
    stream.setEncoding('utf8')
    stream.on('data', (d: string) => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i))
        buf = buf.slice(i + 1)
      }
      for (const w of waiters) w()
    })
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      for (const w of waiters) w()
      resolve(exit)
    }),
  )
  return {
    child,
    lines,
    exited,
    exitCode: () => (exit ? exit.code : undefined),
    kill: (signal = 'SIGTERM') => {
      if (!exit) child.kill(signal)
    },
    waitFor(re, ms = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${re}; output:\n${lines.join('\n')}`))), ms)
        const check = () => {
          for (const l of lines) {
            const m = l.match(re)
            if (m) return done(() => resolve(m))
          }
          if (exit) done(() => reject(new Error(`process exited (${exit!.code ?? exit!.signal}) before ${re}; output:\n${lines.join('\n')}`)))
        }
        const done = (f: () => void) => {
          clearTimeout(timer)
          waiters.delete(check)
          f()
        }
        waiters.add(check)
        check()
      })
    },
  }
}

/** `npm start` as a process: the Node entry on a free port; resolves once it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<Spawned & { url: string; port: number }> {
  const p = spawnTs('src/server.node.ts', [], { HOST: '127.0.0.1', PORT: '0', ...env })
  // A first boot on a fresh PGlite directory takes seconds, far more on a loaded machine.
  const m = await p.waitFor(/listening on .*\(port (\d+)/, 180_000)
  const port = Number(m[1])
  return Object.assign(p, { port, url: `http://127.0.0.1:${port}` })
}

/** fetch with a deadline: a request that gets no answer in `ms` is a failure of its own. */
export async function fetchWithin(ms: number, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) })
  return res
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
