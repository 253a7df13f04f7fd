import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { runCli, type CliIo } from '../../src/cli/commands.js'
import type { Deps } from '../../src/deps.js'

export const FIXTURES = new URL('../fixtures/imports/', import.meta.url).pathname

export function fixture(name: string): string {
  return join(FIXTURES, name)
}

/** A temp file with this text (for truncated and edited fixtures). */
export function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-import-'))
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

export const readFixture = (name: string) => readFileSync(fixture(name), 'utf8')

export interface CliRun {
  code: number
  out: string[]
  err: string[]
  progress: string[]
  written: string
  /** The --json line, parsed. */
  json(): any
}

/** Runs `npm run parley -- …` in process, capturing stdout lines, stderr, progress and raw output. */
export async function cli(deps: Deps, argv: string[], opts: { isTTY?: boolean } = {}): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const progress: string[] = []
  let written = ''
  const io: CliIo = {
    err: (l) => err.push(l),
    isTTY: opts.isTTY ?? false,
    progress: (l) => progress.push(l),
    write: async (chunk) => {
      written += chunk
    },
  }
  const code = await runCli(argv, deps, (l) => out.push(l), io)
  return { code, out, err, progress, written, json: () => JSON.parse(out[out.length - 1]!) }
}

/** Every row of every table of this database, as text: for "is this value stored anywhere?". */
export async function everyRowAsText(deps: Deps): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(deps.db)
  let all = ''
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ t: string }>`select t::text as t from ${sql.table(table_name)} t`.execute(deps.db)
    all += rows.rows.map((r) => r.t).join('\n') + '\n'
  }
  return all
}

export async function countRows(deps: Deps, table: 'comments' | 'threads' | 'moderation_actions' | 'email_outbox' | 'subscriptions' | 'comment_imports'): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(deps.db)
  return Number(r.rows[0]!.n)
}
