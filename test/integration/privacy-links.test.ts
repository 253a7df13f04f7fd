import { afterEach, describe, expect, it } from 'vitest'
import { signToken } from '../../src/notifications/tokens.js'
import { addSite } from '../../src/sites/site.service.js'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { dumpDatabase } from '../helpers/dump.js'
import { deliverAll, moderate, postAndConfirm, postForm } from '../helpers/mail.js'

let t: TestContext
afterEach(() => t?.close())

const ANN = { email: 'Ann.Reader@Example.org', name: 'Ann Reader', url: 'https://ann.example' }
const BEN = { email: 'ben@example.net', name: 'Ben Other' }

async function post(body: Record<string, unknown>, ip?: string) {
  t.clock.advanceSeconds(20)
  const res = await t.request('POST', '/api/comments', { json: body, ...(ip ? { ip } : {}) })
  expect([201, 202]).toContain(res.status)
  return ((await res.json()) as { comment: { id: string } }).comment.id
}

async function tokenFor(email: string, site = 'news', at = t.clock.now()) {
  return signToken(t.deps.keys, 'privacy', { site, key: await t.deps.keys.emailKey(email), t: at.getTime() }, at)
}

const api = (path: string, token: unknown) => t.request('POST', `/api/privacy/${path}`, { json: { token } })

describe('the privacy link', { timeout: 90_000 }, () => {
  it('refuses a forged, expired or wrong-purpose token with 400 invalid_token, everywhere, changing nothing', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post' } })
    await post(newComment({ email: ANN.email, name: ANN.name }))
    const good = await tokenFor(ANN.email)
    const [payload, sig] = good.split('.') as [string, string]
    const otherKey = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace(/"key":"[0-9a-f]+"/, `"key":"${await t.deps.keys.emailKey(BEN.email)}"`),
    ).toString('base64url')
    const forged = [`${payload}.${sig.slice(0, -2)}00`, `${otherKey}.${sig}`, 'garbage', `${payload}.`]
    const wrongPurpose = [
      await signToken(t.deps.keys, 'unsubscribe', { site: 'news', key: await t.deps.keys.emailKey(ANN.email) }, t.clock.now()),
      await signToken(t.deps.keys, 'confirm', { site: 'news', key: await t.deps.keys.emailKey(ANN.email) }, t.clock.now()),
    ]
    const expired = await tokenFor(ANN.email, 'news', new Date(t.clock.now().getTime() - 24 * 3600_000 - 1000))
    const before = JSON.stringify(await dumpDatabase(t.deps.db))
    for (const token of [...forged, ...wrongPurpose, expired]) {
      for (const path of ['export', 'unsubscribe', 'erase']) {
        const res = await api(path, token)
        expect(res.status, `${path} ${token.slice(0, 20)}`).toBe(400)
        expect(((await res.json()) as any).error.code).toBe('invalid_token')
      }
      const page = await t.request('GET', `/privacy/manage?token=${encodeURIComponent(token)}`)
      expect(page.status).toBe(400)
      expect(await page.text()).toContain('This link does not work')
      for (const action of ['download', 'unsubscribe', 'erase'])
        expect((await postForm(t, `http://parley.test/privacy/manage/${action}`, { token, confirm: 'yes' })).status).toBe(400)
    }
    expect(((await (await api('export', undefined)).json()) as any).error).toMatchObject({ code: 'validation_failed', fields: [{ path: 'token' }] })
    expect(JSON.stringify(await dumpDatabase(t.deps.db))).toBe(before)
    // The good one still works, until 24 hours have passed.
    expect((await api('export', good)).status).toBe(200)
    t.clock.advance(24 * 3600_000 + 1000)
    expect((await api('export', good)).status).toBe(400)
  })

  it("downloads exactly that reader's data on that site: every status, as given, and nothing of anyone else", async () => {
    t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0 } })
    await addSite(t.testDb.db, { id: 'other', name: 'Other', origins: [], settings: { moderationMode: 'post' } }, t.clock.now())
    const a1 = await postAndConfirm(t, newComment({ email: ANN.email, name: ANN.name, url: 'ann.example', body: 'Ann **one**' }))
    await moderate(t, [a1.comment.id], 'approve')
    const b1 = await post(newComment({ email: BEN.email, name: BEN.name, parentId: a1.comment.id, body: 'BEN-secret reply' }))
    await moderate(t, [b1], 'approve')
    const a2 = await post(newComment({ email: ANN.email.toLowerCase(), name: 'Ann R.', parentId: b1, body: 'Ann two, as Ann R.' }))
    await moderate(t, [a2], 'approve')
    const a3 = await post(newComment({ email: ANN.email, name: ANN.name, body: 'Ann three, rejected' }))
    await moderate(t, [a3], 'reject')
    const a4 = await post(newComment({ email: ANN.email, name: ANN.name, body: 'Ann four, spam', hp: 'x' }))
    const a5 = await post(newComment({ email: ANN.email, name: ANN.name, uri: '/2026/11/held', title: 'Held story', body: 'Ann five, pending' }))
    await post({ ...newComment({ email: ANN.email, name: ANN.name, body: 'ANN-ON-OTHER-SITE' }), site: 'other' })
    await deliverAll(t)

    const res = await api('export', await tokenFor(ANN.email))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const data = (await res.json()) as any
    expect(Object.keys(data).sort()).toEqual(['comments', 'email', 'site', 'subscriptions'])
    expect(data.site).toBe('news')
    expect(data.email).toBe(ANN.email)
    expect(data.comments.map((c: any) => c.id)).toEqual([a1.comment.id, a2, a3, a4, a5])
    expect(data.comments.map((c: any) => c.status)).toEqual(['approved', 'approved', 'rejected', 'spam', 'pending'])
    expect(data.comments[0]).toEqual({
      id: a1.comment.id,
      uri: '/2026/11/cartels',
      title: 'The Trump administration is planning operations against the cartels in Mexico',
      status: 'approved',
      body: 'Ann **one**',
      html: '<p>Ann <strong>one</strong></p>',
      name: ANN.name,
      email: ANN.email,
      url: 'http://ann.example',
      parentId: null,
      createdAt: expect.stringMatching(/^2026-11-01T12:\d\d:\d\d\.000Z$/),
      editedAt: null,
    })
    expect(data.comments[1]).toMatchObject({ name: 'Ann R.', email: ANN.email.toLowerCase(), parentId: b1 })
    expect(data.comments[4]).toMatchObject({ uri: '/2026/11/held', title: 'Held story', status: 'pending' })
    expect(data.subscriptions).toEqual([{ uri: null, createdAt: expect.any(String), confirmedAt: expect.any(String), unsubscribedAt: null }])
    const text = JSON.stringify(data)
    for (const foreign of ['BEN-secret', BEN.email, BEN.name, 'ANN-ON-OTHER-SITE']) expect(text).not.toContain(foreign)
    // No keys (email, IP, avatar HMACs) and no browser names: only what she gave.
    expect(text).not.toMatch(/[0-9a-f]{32}/)
    for (const c of data.comments) expect(Object.keys(c).sort()).toEqual(Object.keys(data.comments[0]).sort())

    // The same as a file from the page's button.
    const file = await postForm(t, 'http://parley.test/privacy/manage/download', { token: await tokenFor(ANN.email) })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="news-my-comments.json"')
    expect(file.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(JSON.parse(await file.text())).toEqual(data)

    // The page lists every one of them with its thread and state, and none of Ben's words.
    const page = await (await t.request('GET', `/privacy/manage?token=${await tokenFor(ANN.email)}`)).text()
    for (const s of ['Ann **one**', 'Ann two, as Ann R.', 'Ann three, rejected', 'Ann four, spam', 'Ann five, pending', 'Held story', 'awaiting moderation', 'marked as spam'])
      expect(page).toContain(s)
    expect(page).not.toContain('BEN-secret')
    expect(page).toContain('5 comments')
  })

  it('stops all emails: ends the subscription, cancels unsent reply emails, and says how many it ended', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    const a1 = await postAndConfirm(t, newComment({ email: ANN.email, name: ANN.name }))
    // A reply to her, not yet delivered.
    await post(newComment({ email: BEN.email, name: BEN.name, parentId: a1.comment.id }))
    const pending = () => t.deps.db.selectFrom('email_outbox').select('kind').where('status', '=', 'pending').where('kind', '=', 'reply').execute()
    expect(await pending()).toHaveLength(1)
    const token = await tokenFor(ANN.email)
    const res = await api('unsubscribe', token)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ended: 1 })
    expect(await pending()).toHaveLength(0)
    expect(await api('unsubscribe', token).then((r) => r.json())).toEqual({ ended: 0 })
    // A later reply sends nothing.
    await post(newComment({ email: BEN.email, name: BEN.name, parentId: a1.comment.id, body: 'again' }))
    expect((await deliverAll(t)).filter((m) => m.to === ANN.email)).toEqual([])
    // The page's button says so.
    const page = await postForm(t, 'http://parley.test/privacy/manage/unsubscribe', { token })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('No emails were on')
  })

  it('erase from the page asks to confirm first (changing nothing), then erases', async () => {
    t = await createTestContext({ settings: { moderationMode: 'post', floodSeconds: 0 } })
    await post(newComment({ email: ANN.email, name: ANN.name, body: 'Erase me please' }))
    const token = await tokenFor(ANN.email)
    const before = JSON.stringify(await dumpDatabase(t.deps.db))
    const ask = await postForm(t, 'http://parley.test/privacy/manage/erase', { token })
    expect(ask.status).toBe(200)
    const html = await ask.text()
    expect(html).toContain('Erase everything?')
    expect(html).toContain('name="confirm" value="yes"')
    expect(html).toContain('This cannot be undone.')
    expect(JSON.stringify(await dumpDatabase(t.deps.db))).toBe(before)
    const done = await postForm(t, 'http://parley.test/privacy/manage/erase', { token, confirm: 'yes' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Erased 1 comment.')
    expect(await t.deps.db.selectFrom('comments').select('id').execute()).toEqual([])
    expect((await (await t.request('GET', '/api/counts?site=news&uri=/2026/11/cartels')).json()) as any).toEqual({ counts: [{ uri: '/2026/11/cartels', count: 0 }] })
  })
})
