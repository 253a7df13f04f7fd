import { ApiError, createApi, type PComment, type Posted, type SiteConfig } from './api.js'
import { append, h } from './dom.js'
import { createForm, type Form } from './form.js'
import { tokenStore } from './store.js'
import { CSS } from './styles.js'
import { ago, exact, T } from './text.js'

export interface ThreadOptions {
  base: string
  site: string
  uri: string
  title: string
  author: string
}

interface Entry {
  c: PComment
  li: HTMLLIElement
  kids: HTMLOListElement | null
}

/** Comment html back to Markdown-ish source for the edit box (the API returns html only). */
function toSource(html: string): string {
  const t = document.createElement('template')
  t.innerHTML = html
  const walk = (n: Node): string => {
    if (n.nodeType === 3) return n.textContent ?? ''
    if (n.nodeType !== 1) return ''
    const el = n as Element
    const inner = [...el.childNodes].map(walk).join('')
    switch (el.tagName) {
      case 'P':
        return inner + '\n\n'
      case 'BR':
        return '\n'
      case 'EM':
        return `*${inner}*`
      case 'STRONG':
        return `**${inner}**`
      case 'CODE':
        return '`' + inner + '`'
      case 'PRE':
        return '```\n' + (el.textContent ?? '') + '```\n\n'
      case 'S':
      case 'DEL':
        return `~~${inner}~~`
      case 'LI':
        return (el.parentElement?.tagName === 'OL' ? '1. ' : '- ') + inner.trim() + '\n'
      case 'BLOCKQUOTE':
        return inner.trim().split('\n').map((l) => '> ' + l).join('\n') + '\n\n'
      case 'A': {
        const href = el.getAttribute('href') ?? ''
        return [inner, 'http://' + inner, 'mailto:' + inner].includes(href) ? inner : `[${inner}](${href})`
      }
      default:
        return inner
    }
  }
  return walk(t.content).trim()
}

const safeUrl = (u: string | null) => (u && /^https?:\/\//i.test(u) ? u : null)

export async function mountThread(host: HTMLElement, o: ThreadOptions): Promise<void> {
  const api = createApi(o.base)
  const tokens = tokenStore(o.site)
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' })
  root.replaceChildren(h('style', null, CSS))

  const entries = new Map<string, Entry>()
  // Markdown typed in this page view, so Edit shows exactly what was written.
  const sources = new Map<string, string>()
  const timers = new Map<string, { until: number; label: HTMLElement; box: HTMLElement }>()
  let cfg: SiteConfig
  let closed = false
  let count = 0
  let cursor: string | null = null
  let form: Form | null = null
  let replyButton: HTMLElement | null = null

  const heading = h('h2', { id: 'count' }, T.comments(0))
  const list = h('ol', { class: 'list' })
  const more = h('button', { type: 'button', class: 'btn sec more', hidden: true, onclick: () => void loadMore() }, T.more)
  const status = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' })
  const section = h('section', { 'aria-labelledby': 'count' }, heading, list, more, status)
  const home = h('div')
  root.append(section, home)

  const setCount = (n: number) => {
    count = Math.max(0, n)
    // Only the reader's own held comments on show: not "No comments yet" above them.
    heading.textContent = count === 0 && list.childElementCount ? 'Comments' : T.comments(count)
  }

  function kidsOf(e: Entry): HTMLOListElement {
    if (!e.kids) {
      e.kids = h('ol', { class: 'kids' })
      e.li.append(e.kids)
    }
    return e.kids
  }

  function render(c: PComment): HTMLLIElement {
    const li = h('li', { class: 'c', id: `comment-${c.id}` })
    const art = h('article', { 'aria-label': c.status === 'deleted' ? T.deleted : `Comment by ${c.author.name || T.anonymous}` })
    li.append(art)
    if (c.status === 'deleted') {
      art.append(h('p', { class: 'gone' }, T.deleted))
      return li
    }
    const url = safeUrl(c.author.url)
    const who = c.author.name || T.anonymous
    const body = h('div', { class: 'body' })
    // The one place markup is parsed: the server's sanitised rendering of the comment.
    body.innerHTML = c.html
    const acts = h('div', { class: 'acts' })
    append(art, [
      h(
        'div',
        { class: 'hd' },
        c.author.avatar && h('img', { class: 'av', src: c.author.avatar, alt: '', width: 40, height: 40, loading: 'lazy' }),
        h('span', { class: 'who' }, url ? h('a', { href: url, rel: 'nofollow ugc noopener', target: '_blank' }, who) : who),
        h('time', { datetime: c.createdAt, title: exact(c.createdAt) }, ago(c.createdAt)),
        c.editedAt && h('span', { class: 'meta', title: exact(c.editedAt) }, '(edited)'),
      ),
      body,
      c.status === 'pending' && h('p', { class: 'held' }, T.held),
      acts,
    ])
    if (c.status === 'approved' && !closed && c.depth + 1 < cfg.maxDepth) {
      const b = h('button', { type: 'button', class: 'lnk', 'aria-label': `Reply to ${who}` }, T.reply)
      b.onclick = () => startReply(c.id, who, b)
      acts.append(b)
    }
    const tok = tokens.get(c.id)
    if (tok && tok.u > Date.now()) {
      const label = h('span', { class: 'meta' })
      const box = h(
        'span',
        { class: 'own' },
        h('button', { type: 'button', class: 'lnk', onclick: () => startEdit(c.id) }, T.edit),
        h('button', { type: 'button', class: 'lnk', onclick: () => confirmDelete(c.id, acts) }, T.del),
        label,
      )
      acts.append(box)
      timers.set(c.id, { until: tok.u, label, box })
      tick()
    } else if (c.status === 'approved') {
      const b = h('button', { type: 'button', class: 'lnk quiet', 'aria-expanded': 'false' }, T.report)
      b.onclick = () => openReport(c.id, acts, b)
      acts.append(b)
    }
    return li
  }

  /** Adds comments (flat, display order) in one DOM write: 200 comments are one append. */
  function add(comments: PComment[]) {
    const t0 = performance.now()
    const frag = document.createDocumentFragment()
    for (const c of comments) {
      if (entries.has(c.id)) continue
      const e: Entry = { c, li: render(c), kids: null }
      entries.set(c.id, e)
      const parent = c.parentId ? entries.get(c.parentId) : undefined
      if (parent) kidsOf(parent).append(e.li)
      else frag.append(e.li)
    }
    list.append(frag)
    // Visible in the browser's performance panel (and to the 200-comment test).
    try {
      performance.measure('parley:render', { start: t0 })
    } catch {
      // older browsers: no measure with options
    }
  }

  function replace(c: PComment) {
    const e = entries.get(c.id)
    if (!e) return
    const li = render(c)
    if (e.kids) li.append(e.kids)
    const hadForm = e.li.contains(form?.el ?? null)
    e.li.replaceWith(li)
    e.li = li
    e.c = c
    if (hadForm) cancelReply()
  }

  let ticks = 0
  function tick() {
    const now = Date.now()
    // Relative times ("5 minutes ago") move on once a minute.
    if (++ticks % 60 === 0) for (const t of list.querySelectorAll('time')) t.textContent = ago(t.dateTime, now)
    for (const [id, t] of timers) {
      if (t.until <= now) {
        t.box.remove()
        timers.delete(id)
      } else t.label.textContent = `(${T.left(t.until - now)})`
    }
  }
  setInterval(tick, 1000)

  function startReply(id: string, who: string, button: HTMLElement) {
    const e = entries.get(id)
    if (!form || !e) return
    replyButton = button
    form.replyTo(id, who)
    e.li.insertBefore(form.el, e.kids)
    form.focus()
  }

  function cancelReply() {
    if (!form) return
    form.replyTo(null, '')
    home.append(form.el)
    replyButton?.focus()
    replyButton = null
  }

  function posted(r: Posted, _status: number, source: string) {
    tokens.set(r.comment.id, r.editToken, r.editableUntil)
    sources.set(r.comment.id, source)
    if (r.comment.status === 'approved') setCount(count + 1)
    const wasReply = !!r.comment.parentId
    if (wasReply) {
      form?.replyTo(null, '')
      home.append(form!.el)
      replyButton = null
    }
    add([r.comment])
    setCount(count)
    const art = entries.get(r.comment.id)?.li.firstElementChild as HTMLElement | undefined
    art?.scrollIntoView({ block: 'nearest' })
    if (wasReply && art) {
      // The form (and the focus in it) went back home: keep keyboard users at their reply.
      art.tabIndex = -1
      art.focus({ preventScroll: true })
    }
  }

  function startEdit(id: string) {
    const e = entries.get(id)
    const tok = tokens.get(id)
    const art = e?.li.firstElementChild
    if (!e || !tok || !art) return
    const body = art.querySelector('.body')!
    const acts = art.querySelector<HTMLElement>('.acts')!
    const ta = h('textarea', { id: `edit-${id}`, rows: 5 })
    ta.value = sources.get(id) ?? toSource(e.c.html)
    const err = h('p', { class: 'msg bad', role: 'alert' })
    const done = () => {
      box.replaceWith(body)
      acts.hidden = false
    }
    const saveBtn = h('button', { type: 'button', class: 'btn sec' }, T.save_)
    saveBtn.onclick = async () => {
      saveBtn.disabled = true
      try {
        const r = await api.edit(id, ta.value, tokens.get(id)?.t ?? tok.t)
        tokens.set(id, r.editToken, r.editableUntil)
        sources.set(id, ta.value)
        if (e.c.status === 'approved' && r.comment.status !== 'approved') setCount(count - 1)
        replace(r.comment)
        status.textContent = r.comment.status === 'approved' ? T.updated : T.heldMsg
      } catch (x) {
        err.textContent = x instanceof ApiError ? (x.fields[0] ? `Comment ${x.fields[0].message}` : x.message) : String(x)
        saveBtn.disabled = false
      }
    }
    const box = h(
      'div',
      { class: 'f' },
      h('label', { for: ta.id }, T.editLabel),
      ta,
      err,
      h('div', { class: 'menu' }, saveBtn, h('button', { type: 'button', class: 'btn sec', onclick: done }, T.cancel)),
    )
    body.replaceWith(box)
    acts.hidden = true
    ta.focus()
  }

  function confirmDelete(id: string, acts: HTMLElement) {
    const err = h('span', { class: 'err', role: 'alert' })
    const yes = h('button', { type: 'button', class: 'btn sec' }, T.del)
    const no = h('button', { type: 'button', class: 'btn sec' }, T.keep)
    const menu = h('div', { class: 'menu', role: 'group', 'aria-label': T.confirmDelete }, h('span', null, T.confirmDelete), yes, no, err)
    no.onclick = () => {
      menu.remove()
      acts.hidden = false
    }
    yes.onclick = async () => {
      const e = entries.get(id)
      const tok = tokens.get(id)
      if (!e || !tok) return
      yes.disabled = true
      try {
        await api.remove(id, tok.t)
        tokens.drop(id)
        timers.delete(id)
        if (e.c.status === 'approved') setCount(count - 1)
        if (e.kids?.childElementCount) replace({ ...e.c, status: 'deleted', html: '', author: { name: '', url: null, avatar: '' } })
        else {
          e.li.remove()
          entries.delete(id)
        }
        setCount(count)
        status.textContent = T.wasDeleted
      } catch (x) {
        err.textContent = x instanceof Error ? x.message : String(x)
        yes.disabled = false
      }
    }
    menu.onkeydown = (ev) => {
      if (ev.key === 'Escape') no.click()
    }
    acts.hidden = true
    acts.after(menu)
    yes.focus()
  }

  function openReport(id: string, acts: HTMLElement, b: HTMLElement) {
    const open = acts.nextElementSibling?.classList.contains('report')
    if (open) {
      acts.nextElementSibling!.remove()
      b.setAttribute('aria-expanded', 'false')
      return
    }
    const menu = h('div', { class: 'menu report', role: 'group', 'aria-label': T.why }, h('span', null, T.why))
    for (const [reason, label] of T.reasons) {
      menu.append(
        h(
          'button',
          {
            type: 'button',
            class: 'btn sec',
            onclick: async () => {
              try {
                await api.report(id, reason)
                menu.replaceChildren(h('span', { role: 'status' }, T.reported))
                b.remove()
              } catch (x) {
                menu.replaceChildren(h('span', { class: 'err', role: 'alert' }, x instanceof Error ? x.message : String(x)))
              }
            },
          },
          label,
        ),
      )
    }
    const close = () => {
      menu.remove()
      b.setAttribute('aria-expanded', 'false')
      b.focus()
    }
    menu.onkeydown = (ev) => {
      if (ev.key === 'Escape') close()
    }
    menu.append(h('button', { type: 'button', class: 'lnk quiet', onclick: close }, T.cancel))
    acts.after(menu)
    b.setAttribute('aria-expanded', 'true')
    ;(menu.querySelector('button') as HTMLElement).focus()
  }

  async function loadMore() {
    more.disabled = true
    try {
      const page = await api.thread(o.site, o.uri, cursor, tokens.list())
      cursor = page.nextCursor
      add(page.comments)
      more.hidden = !cursor
    } catch (x) {
      status.textContent = x instanceof Error ? x.message : String(x)
    } finally {
      more.disabled = false
    }
  }

  async function load() {
    status.textContent = ''
    try {
      const [c, page] = await Promise.all([api.config(o.site), api.thread(o.site, o.uri, null, tokens.list())])
      cfg = c
      closed = page.thread.closed
      setCount(page.thread.commentCount)
      cursor = page.nextCursor
      more.hidden = !cursor
      add(page.comments)
      setCount(count)
      if (closed) home.append(h('p', { class: 'closed' }, T.closed))
      else {
        form = createForm({ ...o, api, cfg, onPosted: posted, onCancelReply: cancelReply })
        home.append(form.el)
      }
    } catch (x) {
      status.replaceChildren(
        `${T.loadFailed} ${x instanceof Error ? x.message : ''} `,
        h('button', { type: 'button', class: 'lnk', onclick: () => void load() }, T.retry),
      )
    }
  }
  await load()
}
