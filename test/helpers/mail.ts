import { expect } from 'vitest'
import type { Role } from '../../db/schema.js'
import { newId } from '../../src/lib/ids.js'
import type { OutgoingMail } from '../../src/mail/mailer.js'
import { applyModerationAction, type Actor } from '../../src/moderation/actions.service.js'
import type { ModerationAction } from '../../src/moderation/transitions.js'
import { deliverDue } from '../../src/notifications/outbox.js'
import { insertSiteRoles } from '../../src/auth/role.repository.js'
import type { TestContext } from './app.js'

/** A moderator or admin row, as the auth CLI would make it (no password needed here). */
export async function addUser(t: TestContext, u: { email: string; role: Role; sites?: string[] | null; name?: string }): Promise<Actor> {
  const id = newId()
  const sites = u.sites && u.sites.length ? u.sites : null
  await t.deps.db
    .insertInto('users')
    .values({ id, email: u.email, name: u.name ?? '', password_hash: null, global_role: sites ? null : u.role, created_at: t.clock.now() })
    .execute()
  if (sites) await insertSiteRoles(t.deps.db, id, sites, u.role, t.clock.now())
  return { id, email: u.email, sites: u.sites ?? null }
}

export async function moderate(t: TestContext, ids: string[], action: ModerationAction, actor: Actor | null = null) {
  return t.deps.db.transaction().execute((trx) => applyModerationAction(trx, t.deps, { ids, action, actor, via: 'test' }))
}

/** Runs the outbox until nothing is due; returns what was sent in this call. */
export async function deliverAll(t: TestContext): Promise<OutgoingMail[]> {
  const before = t.mailer.sent.length
  for (let i = 0; i < 100; i++) {
    const r = await deliverDue(t.deps, { limit: 50 })
    if (r.claimed === 0) break
  }
  return t.mailer.sent.slice(before)
}

export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0])
}

export function linkTo(mail: { text: string }, path: string): string {
  const l = linksIn(mail.text).find((u) => new URL(u).pathname === path)
  expect(l, `a link to ${path}`).toBeDefined()
  return l!
}

/** The path and query of a link, for t.request. */
export function pathOf(url: string): string {
  const u = new URL(url)
  return u.pathname + u.search
}

/** Posts a form to a link page the way a browser's button would. */
export function postForm(t: TestContext, url: string, fields: Record<string, string> = {}) {
  return t.request('POST', pathOf(url), {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
}

/** Posts a comment with notify ticked, then confirms the address through the emailed link. */
export async function postAndConfirm(t: TestContext, body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/comments', { json: { ...body, notifyReplies: true } })
  expect([201, 202]).toContain(res.status)
  const json = await res.json()
  const sent = await deliverAll(t)
  const confirm = sent.find((m) => m.to === body.email && m.subject.includes('confirm'))
  expect(confirm, 'a confirmation email').toBeDefined()
  const r = await postForm(t, linkTo(confirm!, '/email/confirm'))
  expect(r.status).toBe(200)
  return json as { comment: { id: string }; editToken: string }
}
