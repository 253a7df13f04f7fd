import type { UserRow } from '../../db/schema.js'
import type { Deps } from '../deps.js'
import { validationFailed } from '../errors.js'
import { sha256Hex } from '../lib/ids.js'
import { signToken, verifyToken } from '../notifications/tokens.js'
import { findUserById, updateUserPassword } from './user.repository.js'
import { MIN_PASSWORD_LENGTH } from './user.service.js'

/**
 * Set-password links: what an invite (team.service.ts) sends a new member, and what sets the
 * password it was made for, once.
 */

/** Names the password a set-password link replaces, so the link works once. */
export function passwordVersion(hash: string | null): string {
  return sha256Hex(hash ?? 'unset').slice(0, 16)
}

export async function setPasswordUrl(deps: Deps, user: Pick<UserRow, 'id' | 'password_hash'>): Promise<string> {
  const token = await signToken(deps.keys, 'set_password', { user: user.id, v: passwordVersion(user.password_hash) }, deps.clock.now())
  return `${deps.config.publicUrl}/mod/set-password?token=${token}`
}

/** The user a set-password link is for, while it is valid (unexpired, untampered, unused). */
export async function userForPasswordToken(deps: Deps, token: string | undefined): Promise<UserRow | null> {
  const s = await verifyToken(deps.keys, 'set_password', token, deps.clock.now())
  if (!s) return null
  const user = await findUserById(deps.db, s.user)
  return user && passwordVersion(user.password_hash) === s.v ? user : null
}

/** Sets the password a link was made for; the link then stops working and old sessions end. */
export async function setPasswordWithToken(deps: Deps, token: string | undefined, password: string): Promise<UserRow | null> {
  const user = await userForPasswordToken(deps, token)
  if (!user) return null
  if (password.length < MIN_PASSWORD_LENGTH)
    throw validationFailed([{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }])
  if (password.length > 1000) throw validationFailed([{ path: 'password', message: 'is too long' }])
  const hash = await deps.passwords.hash(password)
  const changed = await deps.db.transaction().execute(async (trx) => {
    // Locked and re-checked: two posts of one link cannot both set a password.
    const row = await trx.selectFrom('users').select(['id', 'password_hash']).where('id', '=', user.id).forUpdate().executeTakeFirst()
    if (!row || row.password_hash !== user.password_hash) return false
    await updateUserPassword(trx, user.id, hash)
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute()
    return true
  })
  return changed ? user : null
}
