import type { Context } from 'hono'
import type { PasswordHasher } from './auth/passwords.js'
import type { Config } from './config.js'
import type { Database } from './db/index.js'
import type { Clock } from './lib/clock.js'
import type { Logger } from './lib/log.js'
import type { Mailer } from './mail/mailer.js'
import type { Keyring } from './privacy/keys.js'
import type { ThreadPageCache } from './comments/thread-cache.js'
import type { Rendered } from './comments/markdown.js'
import type { ImportJobs, UploadStore } from './imports/jobs.js'
import type { StreamHub } from './stream/stream.hub.js'
import type { FirstAdminSetup } from './auth/setup.service.js'
import type { QueuePageCache } from './moderation/queue.service.js'

/** Everything the app needs from its runtime; entry files build it, nothing else is global. */
export interface Deps {
  db: Database
  config: Config & { secret: string }
  clock: Clock
  keys: Keyring
  mailer: Mailer
  log: Logger
  /** argon2id PHC hashes: native on Node, pure JS on Workers (same strings). */
  passwords: PasswordHasher
  /** The client's IP as this runtime sees it (socket, CF-Connecting-IP, or a trusted proxy header). */
  clientIp(c: Context): string | null
  /** The socket peer's address, never a header (Node only): decides loopback-only pages like /dev/mail. */
  socketIp?(c: Context): string | null
  /** Comment Markdown → safe HTML (src/comments/markdown.ts `renderComment` unless a test injects a spy). */
  renderComment?: (source: string) => Rendered
  /** Rendered thread pages; createApp makes one when none is given. */
  threadCache?: ThreadPageCache
  /** Live updates (`GET /api/stream`): createApp makes one when absent; null where a runtime cannot hold streams (Workers). */
  stream?: StreamHub | null
  /** Uploaded import files (Node: a temp directory). Absent (Workers): desk imports are off. */
  uploads?: UploadStore
  /** Imports this process is checking or running; createApp makes one when none is given. */
  importJobs?: ImportJobs
  /** Moderator queue pages between writes (PGlite only: src/db/writes.ts); createApp makes one when none is given. */
  queueCache?: QueuePageCache
  /** The one-time first-admin setup link's token (Node, while no admin exists): /mod/setup. */
  firstAdminSetup?: FirstAdminSetup
}

/**
 * The signed-in moderator, read afresh from the database on every request (a role changed or
 * taken away counts from the next request). Roles belong to a site: see src/moderation/access.ts.
 */
export interface ModeratorIdentity {
  id: string
  email: string
  /** A role on every site (an admin or moderator of every site), or null. */
  globalRole: 'admin' | 'moderator' | null
  /** The role on each single site (site id → role). */
  siteRoles: Record<string, 'admin' | 'moderator'>
  /** The sites this user works on: null = every site (a global role), else the keys of siteRoles. */
  sites: string[] | null
}

export type AppEnv = {
  Variables: {
    deps: Deps
    /** Set by the session middleware when a moderator is signed in. */
    moderator: ModeratorIdentity | null
  }
}
