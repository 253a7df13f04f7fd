import type { UserRow } from '../../db/schema.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { newToken, timingSafeEqual } from '../lib/ids.js'
import { countAdmins } from './user.repository.js'
import { createUser } from './user.service.js'

/**
 * The first admin, made in the browser: while no admin exists, `npm start` makes one random
 * token, keeps it in memory only and prints the link `PUBLIC_URL/mod/setup?token=…`. The link
 * works once; a restart makes a new one. So a newcomer on embedded PGlite never needs a second
 * process on the data directory (see src/db/lock.node.ts).
 */
export interface FirstAdminSetup {
  /** null once used. */
  token: string | null
}

export function newFirstAdminSetup(): FirstAdminSetup {
  return { token: newToken() }
}

export const setupLink = (publicUrl: string, setup: FirstAdminSetup) => `${publicUrl}/mod/setup?token=${setup.token}`

export async function adminExists(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return (await countAdmins(deps.db)) > 0
}

export const badSetupLink = () =>
  new AppError('invalid_token', 403, 'This setup link does not work: it is incomplete, was already used, or the server restarted since it printed it.')
export const adminAlreadyExists = () => new AppError('duplicate', 409, 'Parley already has an admin. Sign in instead.')

/** Whether `token` is the live setup token (constant time). */
export function setupTokenValid(setup: FirstAdminSetup | undefined, token: string): boolean {
  return !!setup?.token && !!token && timingSafeEqual(setup.token, token)
}

/** The checks the setup page makes before showing its form: a live token, and no admin yet. */
export async function checkSetup(deps: Deps, token: string): Promise<void> {
  if (await adminExists(deps)) throw adminAlreadyExists()
  if (!setupTokenValid(deps.firstAdminSetup, token)) throw badSetupLink()
}

/**
 * Creates the first admin (of every site) with the setup token. The token is spent before the
 * first await, so two submissions cannot both use it; a refused form (a bad email, a short
 * password) gives it back.
 */
export async function createFirstAdmin(deps: Deps, token: string, input: { email: string; password: string }): Promise<UserRow> {
  const setup = deps.firstAdminSetup
  if (!setupTokenValid(setup, token)) {
    if (await adminExists(deps)) throw adminAlreadyExists()
    throw badSetupLink()
  }
  const live = setup!.token
  setup!.token = null
  try {
    if (await adminExists(deps)) throw adminAlreadyExists()
    const user = await createUser(deps.db, deps.passwords, { email: input.email, password: input.password, role: 'admin', sites: null }, deps.clock.now())
    deps.log.info('first admin created with the setup link', { user: user.id })
    return user
  } catch (err) {
    // A form the user can correct gives the link back; an admin made meanwhile ends it.
    if (err instanceof AppError && err.status < 500 && !(await adminExists(deps).catch(() => true))) setup!.token = live
    throw err
  }
}
