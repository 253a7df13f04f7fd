import { z } from 'zod'
import { parseTrustProxy, type TrustProxy } from './http/client-ip.js'

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol)
    } catch {
      return false
    }
  }, `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`)

// Every environment variable Parley reads; README's configuration table mirrors this.
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Parley <parley@localhost>'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      try {
        return parseTrustProxy(v)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message })
        return z.NEVER
      }
    }),
  DEMO: bool.optional(),
  WORKER_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  // The HTTP mail transport (Cloudflare Workers): a JSON email API and its bearer key.
  MAIL_API_URL: url(['https:', 'http:']).optional(),
  MAIL_API_KEY: z.string().min(1).optional(),
  THREAD_CACHE_SECONDS: z.coerce.number().min(0).max(60).default(1),
  LIVE_POLL_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
})

// Never echoed back in an error message or log line.
const SENSITIVE = new Set(['SECRET', 'DATABASE_URL', 'SMTP_URL', 'MAIL_API_KEY'])

export interface Config {
  env: 'development' | 'production' | 'test'
  databaseUrl: string | undefined
  dataDir: string
  host: string
  port: number
  publicUrl: string
  /** PUBLIC_URL was given (publicUrl is not just the localhost:PORT default). */
  publicUrlSet: boolean
  secret: string | undefined
  smtpUrl: string | undefined
  mailFrom: string
  /** Which X-Forwarded-For hops to trust (src/http/client-ip.ts): false = the socket address only. */
  trustProxy: TrustProxy
  demo: boolean
  workerIntervalMs: number
  mailApiUrl: string | undefined
  mailApiKey: string | undefined
  threadCacheSeconds: number
  /** How often clients without a live stream (widgets on Workers, the desk's queue) ask for news. */
  livePollSeconds: number
}

export class ConfigError extends Error {}

/** Parses the environment once; a bad value throws one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string> = {}
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key]
    if (v !== undefined && v !== '') input[key] = v
  }
  const parsed = envSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const name = String(issue.path[0] ?? 'environment')
    const got = SENSITIVE.has(name) ? 'value hidden' : `got ${JSON.stringify(input[name] ?? '')}`
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (${got})`)
  }
  const e = parsed.data
  // The bearer key must not cross the internet in clear text.
  if (e.NODE_ENV === 'production' && e.MAIL_API_URL && new URL(e.MAIL_API_URL).protocol !== 'https:')
    throw new ConfigError('Invalid configuration: MAIL_API_URL must start with https:// when NODE_ENV=production')
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    publicUrlSet: e.PUBLIC_URL !== undefined,
    secret: e.SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    trustProxy: e.TRUST_PROXY,
    demo: e.DEMO ?? e.NODE_ENV !== 'production',
    workerIntervalMs: e.WORKER_INTERVAL_MS,
    mailApiUrl: e.MAIL_API_URL,
    mailApiKey: e.MAIL_API_KEY,
    threadCacheSeconds: e.THREAD_CACHE_SECONDS,
    livePollSeconds: e.LIVE_POLL_SECONDS,
  }
}
