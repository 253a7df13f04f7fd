import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, newComment, type TestContext } from '../helpers/app.js'
import { moderate } from '../helpers/mail.js'
import { signIn, type SignedIn } from '../helpers/mod.js'

// What the desk shows moderators reads as text: reasons by their words, excerpts as readers see them.
let t: TestContext
let admin: SignedIn
let parent: string
let reply: string

async function post(over: Record<string, unknown>) {
  t.clock.advanceSeconds(30)
  const res = await t.request('POST', '/api/comments', { json: newComment(over) })
  expect([201, 202]).toContain(res.status)
  return (await res.json()).comment.id as string
}
const page = async (path: string) => {
  const res = await admin.request('GET', path)
  expect(res.status, path).toBe(200)
  return res.text()
}

beforeAll(async () => {
  t = await createTestContext({ settings: { moderationMode: 'pre', floodSeconds: 0 } })
  admin = await signIn(t)
  parent = await post({ name: 'Maria Gonzalez', body: '**Bold** claim, see [the source](https://src.example/x).\n\n> quoted _line_' })
  await moderate(t, [parent], 'approve')
  reply = await post({ name: 'Tom Becker', parentId: parent, body: 'I *disagree*.' })
})
afterAll(() => t.close())

describe('the desk in words', () => {
  it('the audit log and a comment’s history show why the pipeline held it, never [object Object]', async () => {
    const why = (await t.deps.db.selectFrom('comments').select('reasons').where('id', '=', reply).executeTakeFirstOrThrow()).reasons
    const message = (typeof why === 'string' ? JSON.parse(why) : why)[0].message as string
    expect(message.length).toBeGreaterThan(5)
    for (const html of [await page('/mod/audit'), await page(`/mod/comments/${reply}`)]) {
      expect(html).not.toContain('[object Object]')
      expect(html).toContain(`<ul class="reasons"><li>${message}</li></ul>`)
    }
  })

  it('the "In reply to" line is the parent as readers saw it (no Markdown marks) and says when it was deleted', async () => {
    const before = await page('/mod/queue?queue=pending')
    expect(before).toContain('In reply to <strong>Maria Gonzalez</strong>: Bold claim, see the source (https://src.example/x). &gt; quoted line')
    expect(before).not.toContain('**Bold**')
    await moderate(t, [parent], 'delete')
    const after = await page('/mod/queue?queue=pending')
    expect(after).toContain('In reply to <strong>Maria Gonzalez</strong> (since deleted): Bold claim')
    const api = await (await admin.request('GET', '/api/mod/queue?site=news&queue=pending')).json()
    const card = api.items.find((c: { id: string }) => c.id === reply)
    expect(card.parent).toMatchObject({ id: parent, status: 'deleted', excerpt: expect.stringMatching(/^Bold claim, see the source/) })
  })
})
