import { createWriteStream } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import type { Role } from '../../db/schema.js'
import { findAllSiteRoles } from '../auth/role.repository.js'
import { adminExists, setupLink } from '../auth/setup.service.js'
import { removeFromSiteByOperator, setGlobalRoleByOperator, setSiteRolesByOperator } from '../auth/team.service.js'
import { findUserByEmail, listUsers } from '../auth/user.repository.js'
import { signInUrl } from '../bootstrap.js'
import { normaliseEmail } from '../privacy/keys.js'
import { clearSignInLock, createUser, generatePassword, removeUser, requireUserByEmail, resetPassword } from '../auth/user.service.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { fieldsFromIssues } from '../http/validate.js'
import { erasePrivacyData, exportPrivacyData, privacyEmailSchema } from '../privacy/privacy.service.js'
import { addAuthor, createAuthorSchema } from '../sites/site-admin.service.js'
import { addSite, listSites, requireSite } from '../sites/site.service.js'
import { exportSite } from '../imports/export.service.js'
import { fileInput, readUrlMap, UrlMapError } from '../imports/files.node.js'
import { ImportFormatError, runImport } from '../imports/import.service.js'
import { formatSummary, ProgressBar } from '../imports/summary.js'

export const USAGE = `Usage: npm run parley -- <command>

  site add <id> --origin <url> [--origin <url> …] [--name "…"]   add a site
  site list                                                      list sites
  admin create --email <e> [--password <p>]                      create an admin of every site
  user add --email <e> --role moderator|admin [--site a | --sites a,b] [--password <p>]
                                                                 add a user with that role on those sites
                                                                 (on every site without --site/--sites);
                                                                 an existing user gains that role there
  user role --email <e> --role moderator|admin [--site a | --sites a,b]
                                                                 change their role on those sites only;
                                                                 without --site: their role on every site
                                                                 (--role none: no longer on every site)
  user list                                                      list users and their role on each site
  user remove --email <e> [--site a]                             remove a user (ends their sessions); with
                                                                 --site: only their role on that site
  user reset-password --email <e> [--password <p>]               set a new password (ends their sessions,
                                                                 clears their sign-in lock)
  user unlock --email <e>                                        clear their sign-in lock (failed sign-ins)
  author add <site> <handle> --name "…" --email <e> [--no-notify] register an article author
  import wordpress <file.xml> --site <id> [--dry-run] [--json] [--url-map <file.csv>]
  import disqus <file.xml> --site <id> [--dry-run] [--json] [--url-map <file.csv>]
  import parley <file.ndjson> --site <id> [--dry-run] [--json]
  export --site <id> [--out <file.ndjson>]                       the site's data (stdout without --out)
  privacy export --site <id> --email <e> [--out <file.json>]     what the site holds about an address (JSON)
  privacy erase --site <id> --email <e> [--yes]                  erase it (asks first unless --yes)

Without --password a password is generated and printed once.`

const FIRST_ADMIN_HINT = 'npm run parley -- admin create --email you@example.org'

/**
 * What `npm start` prints while Parley has no admin: the one-time setup link (deps.firstAdminSetup)
 * and, where a second process may open the database (PostgreSQL), the CLI command. On embedded
 * PGlite the CLI must wait until the server stops (the data directory is locked).
 */
export async function firstAdminHint(deps: Deps, opts: { embedded: boolean }): Promise<string | null> {
  if (await adminExists(deps)) return null
  const lines = ['No admin yet.']
  if (deps.firstAdminSetup?.token)
    lines.push(
      'Create the first one in your browser (this link works once, until the server restarts):',
      `  ${setupLink(deps.config.publicUrl, deps.firstAdminSetup)}`,
    )
  lines.push(
    opts.embedded
      ? `Or stop the server (the embedded database allows one process) and run:\n  ${FIRST_ADMIN_HINT}`
      : `Or from another shell:\n  ${FIRST_ADMIN_HINT}`,
  )
  return lines.join('\n')
}

class UsageError extends Error {}

const roleSchema = z.enum(['admin', 'moderator'])

/** `--site a` (repeatable as --sites a,b); null when neither is given. */
function sitesOf(values: { site?: string; sites?: string }): string[] | null {
  const list = [values.site ?? '', values.sites ?? ''].join(',').split(',').map((s) => s.trim()).filter(Boolean)
  return list.length ? [...new Set(list)] : null
}

/** `user list`'s role columns: `admin\tall sites`, `moderator\tnews,blog`, or per site when they differ. */
function describeRoles(globalRole: Role | null, siteRoles: Record<string, Role>): string {
  const entries = Object.entries(siteRoles)
  const own = entries.map(([s, r]) => `${s}:${r}`).join(',')
  if (globalRole) return `${globalRole}\tall sites${entries.length ? ` (also ${own})` : ''}`
  const kinds = new Set(entries.map(([, r]) => r))
  if (kinds.size === 1) return `${entries[0]![1]}\t${entries.map(([s]) => s).join(',')}`
  return entries.length ? `per site\t${own}` : 'none\tno sites'
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`

/** What a command may need beyond plain lines: stderr, a terminal's progress line, raw stdout. */
export interface CliIo {
  err(line: string): void
  /** stdout is a terminal: long imports show a progress bar. */
  isTTY: boolean
  /** Redraws the progress line (terminals only). */
  progress(line: string): void
  /** Raw stdout, honouring backpressure (export without --out). */
  write(chunk: string): Promise<void>
  /** Asks yes/no (default: on the terminal, false without one): `privacy erase` without --yes. */
  ask?(question: string): Promise<boolean>
}

export const processIo: CliIo = {
  err: (line) => console.error(line),
  isTTY: process.stdout.isTTY === true,
  progress: (line) => void process.stdout.write(`\r${line}\x1b[K`),
  write: (chunk) => new Promise((resolve, reject) => (process.stdout.write(chunk, (err) => (err ? reject(err) : resolve())))),
  ask: (question) => askOnTerminal(question),
}

const PERSONAL_DATA_NOTE =
  "Note: this export holds personal data (commenters' email addresses, IP keys, reports). Keep it safe and delete it when done."

function need(v: string | undefined, what: string): string {
  if (!v) throw new UsageError(`Missing ${what}.`)
  return v
}

/** Asks a yes/no question on the terminal; false when there is no terminal to ask on. */
async function askOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

/** Runs one CLI command against deps; returns the exit code. Output goes through `out`. */
export async function runCli(argv: string[], deps: Deps, out: (line: string) => void = console.log, io: CliIo = processIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        origin: { type: 'string', multiple: true },
        name: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string' },
        sites: { type: 'string' },
        'no-notify': { type: 'boolean' },
        site: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        'url-map': { type: 'string' },
        out: { type: 'string' },
        yes: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    const [group, command, ...rest] = positionals
    const now = deps.clock.now()
    const cmd = `${group ?? ''} ${command ?? ''}`.trim()
    if (values.help || !group) {
      out(USAGE)
      return values.help ? 0 : 1
    }
    switch (cmd) {
      case 'site add': {
        const id = need(rest[0], 'the site id (site add <id>)')
        const site = await addSite(deps.db, { id, name: values.name ?? id, origins: values.origin ?? [] }, now)
        out(`Added site "${site.id}" (${site.name}); origins: ${site.settings.origins.join(', ') || 'none'}.`)
        out(`Embed it with data-site="${site.id}".`)
        return 0
      }
      case 'site list': {
        const sites = await listSites(deps.db)
        if (sites.length === 0) out('No sites yet. Add one: npm run parley -- site add <id> --origin https://your.site')
        for (const s of sites) {
          const origins = Array.isArray(s.settings.origins) ? (s.settings.origins as string[]).join(', ') : ''
          out(`${s.id}\t${s.name}\t${origins || '(no origins)'}`)
        }
        return 0
      }
      case 'admin create':
      case 'user add': {
        const email = need(values.email, '--email')
        const role = cmd === 'admin create' ? 'admin' : roleSchema.parse(need(values.role, '--role moderator|admin'))
        const sites = cmd === 'admin create' ? null : sitesOf(values)
        const existing = sites ? await findUserByEmail(deps.db, normaliseEmail(email)) : undefined
        if (existing) {
          // An existing user gains (or changes to) that role on those sites; nothing else changes.
          if (values.password) throw new UsageError(`${existing.email} already exists; --password is only for a new user (see user reset-password).`)
          await setSiteRolesByOperator(deps, email, sites!, role)
          out(`${existing.email} is now ${role} of ${sites!.join(', ')}.`)
          return 0
        }
        const password = values.password ?? generatePassword()
        const user = await createUser(deps.db, deps.passwords, { email, password, role, sites }, now)
        out(`Created ${role} ${user.email}${sites ? ` of ${sites.length === 1 ? 'site' : 'sites'} ${sites.join(', ')}` : ' of every site'}.`)
        if (!values.password) out(`Password (shown once): ${password}`)
        out(`Sign in at ${await signInUrl(deps.db, deps.config)}`)
        return 0
      }
      case 'user role': {
        const email = need(values.email, '--email')
        const sites = sitesOf(values)
        const raw = need(values.role, '--role moderator|admin')
        if (sites) {
          const role = roleSchema.parse(raw)
          const user = await setSiteRolesByOperator(deps, email, sites, role)
          out(`${user.email} is now ${role} of ${sites.join(', ')}.`)
        } else {
          const role = raw === 'none' ? null : roleSchema.parse(raw)
          const user = await setGlobalRoleByOperator(deps, email, role)
          out(role ? `${user.email} is now ${role} of every site.` : `${user.email} no longer has a role on every site (only their roles on single sites).`)
        }
        return 0
      }
      case 'user list': {
        const users = await listUsers(deps.db)
        if (users.length === 0) out(`No users yet. Create the first admin: ${FIRST_ADMIN_HINT}`)
        const roles = await findAllSiteRoles(deps.db)
        for (const u of users) out(`${u.email}\t${describeRoles(u.global_role, roles.get(u.id) ?? {})}\t${new Date(u.created_at).toISOString()}`)
        return 0
      }
      case 'user remove': {
        const email = need(values.email, '--email')
        if (values.site) {
          const r = await removeFromSiteByOperator(deps, email, values.site)
          out(r.deleted ? `Removed ${r.email} from ${values.site}; they had no other role, so the account is gone.` : `Removed ${r.email} from ${values.site}; their roles elsewhere stay.`)
          return 0
        }
        const user = await removeUser(deps.db, email)
        out(`Removed ${user.email}.`)
        return 0
      }
      case 'user reset-password': {
        const password = values.password ?? generatePassword()
        const user = await resetPassword(deps.db, deps.passwords, need(values.email, '--email'), password)
        out(`New password set for ${user.email}; their sessions have ended and their sign-in lock is cleared.`)
        if (!values.password) out(`Password (shown once): ${password}`)
        return 0
      }
      case 'user unlock': {
        const user = await requireUserByEmail(deps.db, need(values.email, '--email'))
        const n = await clearSignInLock(deps.db, user.email)
        out(n ? `Cleared the sign-in lock of ${user.email} (${n} failed sign-in${n === 1 ? '' : 's'} forgotten).` : `${user.email} has no failed sign-ins to clear.`)
        return 0
      }
      case 'author add': {
        const site = need(rest[0], 'the site (author add <site> <handle>)')
        const input = createAuthorSchema.parse({
          handle: need(rest[1], 'the handle (author add <site> <handle>)'),
          name: need(values.name, '--name'),
          email: need(values.email, '--email'),
          notify: !values['no-notify'],
        })
        const author = await addAuthor(deps.db, null, site, input, now)
        out(`Registered author "${author.handle}" (${author.name}) on ${site}; notify: ${author.notify ? 'yes' : 'no'}.`)
        return 0
      }
      case 'privacy export': {
        const site = await requireSite(deps.db, need(values.site, '--site'))
        const email = privacyEmailSchema.parse(need(values.email, '--email'))
        const data = await exportPrivacyData(deps, site.id, await deps.keys.emailKey(email), email)
        const json = JSON.stringify(data, null, 2)
        if (values.out) {
          await writeFile(values.out, json + '\n', { mode: 0o600 })
          out(`Wrote ${count(data.comments.length, 'comment')} and ${count(data.subscriptions.length, 'subscription')} to ${values.out}.`)
        } else out(json)
        return 0
      }
      case 'privacy erase': {
        const site = await requireSite(deps.db, need(values.site, '--site'))
        const email = privacyEmailSchema.parse(need(values.email, '--email'))
        const emailKey = await deps.keys.emailKey(email)
        if (!values.yes) {
          const held = await exportPrivacyData(deps, site.id, emailKey, email)
          const what = `${count(held.comments.length, 'comment')} and ${count(held.subscriptions.length, 'subscription')}`
          if (!(await (io.ask ?? askOnTerminal)(`Erase ${what} of ${email} on ${site.id}? This cannot be undone.`))) {
            out(`Nothing erased (${what} held). Run again with --yes to erase without asking.`)
            return 1
          }
        }
        const r = await erasePrivacyData(deps, { siteId: site.id, emailKey, email, actor: null, via: 'cli' })
        out(`Erased ${count(r.erased, 'comment')} on ${site.id} (${r.tombstoned} kept as empty placeholders above others' replies); subscriptions and emails removed.`)
        return 0
      }
      case 'import wordpress':
      case 'import disqus':
      case 'import parley': {
        const format = command as 'wordpress' | 'disqus' | 'parley'
        const file = need(rest[0], `the file (import ${format} <file> --site <id>)`)
        const site = await requireSite(deps.db, need(values.site, '--site <id>'))
        if (values['url-map'] && format === 'parley') throw new UsageError('--url-map is for WordPress and Disqus imports.')
        let size: number
        try {
          size = (await stat(file)).size
        } catch {
          io.err(`Error: cannot read ${file}.`)
          return 1
        }
        let urlMap: Map<string, string> | null = null
        if (values['url-map']) {
          try {
            urlMap = await readUrlMap(values['url-map'], site.settings.threadQueryParams)
          } catch (err) {
            io.err(`Error: ${err instanceof UrlMapError ? err.message : `cannot read ${values['url-map']}.`}`)
            return 1
          }
        }
        const bar = io.isTTY && !values.json ? new ProgressBar(size, (line) => io.progress(line)) : null
        let bytes = 0
        try {
          const result = await runImport(deps, {
            site: site.id,
            format,
            input: fileInput(file, (b) => {
              bytes = b
              bar?.update(bytes)
            }),
            dryRun: values['dry-run'] === true,
            urlMap,
            actor: null,
            onProgress: (p) => bar?.update(bytes, p.comments),
          })
          bar?.done()
          if (values.json) out(JSON.stringify(result.summary))
          else for (const line of formatSummary(result, site.id)) out(line)
          return 0
        } catch (err) {
          bar?.done()
          if (err instanceof ImportFormatError) {
            io.err(`Error: ${file}: ${err.message.replace(/\s+/g, ' ')}. Nothing was imported.`)
            return 1
          }
          throw err
        }
      }
      case 'export': {
        const site = await requireSite(deps.db, need(values.site, '--site <id>'))
        io.err(PERSONAL_DATA_NOTE)
        if (values.out) {
          const file = createWriteStream(values.out, { mode: 0o600 })
          for await (const chunk of exportSite(deps, site.id)) if (!file.write(chunk)) await once(file, 'drain')
          file.end()
          await once(file, 'finish')
          io.err(`Wrote ${values.out}.`)
        } else {
          for await (const chunk of exportSite(deps, site.id)) await io.write(chunk)
        }
        return 0
      }
      default:
        throw new UsageError(`Unknown command "${cmd}".`)
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out(`${err.message}\n\n${USAGE}`)
      return 1
    }
    if (err instanceof AppError) {
      out(`Error: ${err.message}${err.extra.fields ? ' ' + err.extra.fields.map((f) => `${f.path} ${f.message}`).join('; ') : ''}`)
      return 1
    }
    if (err instanceof z.ZodError) {
      out(`Error: ${fieldsFromIssues(err.issues).map((f) => `${f.path} ${f.message}`).join('; ')}`)
      return 1
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      out(`${err.message}\n\n${USAGE}`)
      return 1
    }
    throw err
  }
}
