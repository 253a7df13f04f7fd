import { ApiError, createApi, type Located, type PComment, type Posted, type SiteConfig, type Sort, type ThreadPage, type Vote } from './api.js'
import { append, h } from './dom.js'
import { createForm, type Form } from './form.js'
import { createFollow } from './follow.js'
import { connectLive } from './live.js'
import { sortChoice, tokenStore, voter } from './store.js'
import { CSS } from './styles.js'
import { ago, errorText, exact, fieldText, leftToEdit, locale, REASONS, t, tn } from './text.js'

export interface ThreadOptions {
  base: string
  site: string
  uri: string
  title: string
  author: string
  /** The reader's language, loading (text.ts); nothing is written before it is there. */
  ready?: Promise<void>
}

interface Entry {
  c: PComment
  li: HTMLLIElement
  kids: HTMLOListElement | null
  /** The reader's own new top-level comment, shown after "Load more" until its page arrives. */
  tail?: boolean
  /** Its replies are all on show ("Show N more replies" was pressed, or the reader replied). */
  open?: boolean
}

/** A branch shows this many replies; the rest wait behind "Show N more replies". */
const BRANCH = 5
/** From this many comments on, a form below the thread gets a "Leave a Reply" link at the top. */
const LONG = 10

const safeUrl = (u: string | null) => (u && /^https?:\/\//i.test(u) ? u : null)

export async function mountThread(host: HTMLElement, o: ThreadOptions): Promise<void> {
  const api = createApi(o.base)
  const tokens = tokenStore(o.site)
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' })
  root.replaceChildren(h('style', null, CSS))
  const SORTS: Sort[] = ['oldest', 'newest', 'best']
  // The reader's own choice of order, else (unset) the site's default as the server applies it.
  let sort = SORTS.find((x) => x === sortChoice.get(o.site))
  const read = (cursor: string | null, limit?: number, etag?: string) => api.thread(o.site, o.uri, cursor, tokens.list(), limit, sort, voter.get(), etag)
  // The thread is on its way while the language file is.
  let prefetch: Promise<[SiteConfig, ThreadPage]> | null = Promise.all([api.config(o.site), read(null).then((r) => r.data)])
  prefetch.catch(() => undefined)
  await o.ready

  const entries = new Map<string, Entry>()
  const timers = new Map<string, { until: number; label: HTMLElement; box: HTMLElement }>()
  let cfg: SiteConfig
  let closed = false
  let count = 0
  let cursor: string | null = null
  let form: Form | null = null
  let replyButton: HTMLElement | null = null
  // Top-level comments that came with server pages (the reader's own new ones not counted).
  let topsLoaded = 0
  let highlighted: HTMLElement | null = null

  // The count is unknown until the thread arrives: no "No comments yet" before that (or instead of an error).
  const heading = h('h2', { id: 'count', hidden: true }, t('commentsPlain'))
  const linkMsg = h('p', { class: 'msg', role: 'status' })
  const list = h('ol', { class: 'list' })
  const more = h('button', { type: 'button', class: 'btn sec more', hidden: true, onclick: () => void loadMore() }, t('more'))
  // The reader's new top-level comments while older pages are still to come: the thread's order
  // puts them after those, so they wait below "Load more" and move into place as their page arrives.
  const tail = h('ol', { class: 'list tail' })
  const status = h('p', { class: 'msg', role: 'status' })
  // Said to screen readers only ("Link copied"): the eye sees it next to the button.
  const sr = h('p', { class: 'sr', role: 'status' })
  const announce = (text: string) => {
    sr.textContent = ''
    setTimeout(() => (sr.textContent = text), 50)
  }
  // Only in the page while loading failed (an alert, read out when it appears).
  const failure = h('div', { class: 'msg', role: 'alert' })
  const section = h('section', { 'aria-labelledby': 'count' }, heading, linkMsg, list, more, tail, status, sr)
  const home = h('div')
  root.append(h('div', { lang: locale() }, section, home))

  const setCount = (n: number) => {
    count = Math.max(0, n)
    // Only the reader's own held comments on show: not "No comments yet" above them.
    heading.textContent = count === 0 && entries.size ? t('commentsPlain') : tn('comments', count)
  }
  const messageOf = (x: unknown) => (x instanceof ApiError ? errorText(x.code, x.message) : t('e_error'))

  /** Gives a comment keyboard (and screen reader) focus. */
  function focusComment(e: Entry, preventScroll = false) {
    const art = e.li.firstElementChild as HTMLElement
    art.tabIndex = -1
    art.focus({ preventScroll })
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
    const art = h('article', { 'aria-label': c.status === 'deleted' ? t('deleted') : t('commentBy', { name: c.author.name || t('anonymous') }) })
    li.append(art)
    if (c.status === 'deleted') {
      art.append(h('p', { class: 'gone' }, t('deleted')))
      return li
    }
    const url = safeUrl(c.author.url)
    const who = c.author.name || t('anonymous')
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
        c.author.badge && h('span', { class: 'badge' }, t(c.author.badge)),
        h('time', { datetime: c.createdAt, title: exact(c.createdAt) }, ago(c.createdAt)),
        c.editedAt && h('span', { class: 'meta', title: exact(c.editedAt) }, t('edited')),
      ),
      body,
      c.status === 'pending' && h('p', { class: 'held' }, t('held')),
      acts,
    ])
    // Votes: not on one's own comment (the server refuses those too).
    if (c.status === 'approved' && !tokens.get(c.id)) acts.append(votes(c, who))
    // At the deepest level Reply stays: the reply joins this level (the server puts it there)
    // and names whom it answers, "@name", as WordPress's threads do.
    if (c.status === 'approved' && !closed && (c.depth + 1 < cfg.maxDepth || c.depth > 0)) {
      const b = h('button', { type: 'button', class: 'lnk', 'aria-label': t('replyTo', { name: who }) }, t('reply'))
      b.onclick = () => startReply(c.id, who, b, c.depth + 1 >= cfg.maxDepth)
      acts.append(b)
    }
    if (c.status === 'approved') {
      const b = h('button', { type: 'button', class: 'lnk quiet', 'aria-label': t('linkTo', { name: who }) }, t('link'))
      b.onclick = () => void copyLink(c.id, b)
      acts.append(b)
    }
    const tok = tokens.get(c.id)
    if (tok && tok.u > Date.now()) {
      const label = h('span', { class: 'meta' })
      const box = h(
        'span',
        { class: 'own' },
        h('button', { type: 'button', class: 'lnk', onclick: () => startEdit(c.id) }, t('edit')),
        h('button', { type: 'button', class: 'lnk', onclick: () => confirmDelete(c.id, acts) }, t('del')),
        label,
      )
      acts.append(box)
      timers.set(c.id, { until: tok.u, label, box })
      tick()
    } else if (c.status === 'approved') {
      const b = h('button', { type: 'button', class: 'lnk quiet', 'aria-expanded': 'false', 'aria-label': t('reportWho', { name: who }) }, t('report'))
      b.onclick = () => openReport(c.id, who, acts, b)
      acts.append(b)
    }
    return li
  }

  /**
   * Adds comments (flat, display order) in one DOM write: 200 comments are one append.
   * `own`: the reader just posted it. Returns the first comment that was not shown before.
   */
  function add(comments: PComment[], own = false): Entry | undefined {
    const t0 = performance.now()
    const frag = document.createDocumentFragment()
    let first: Entry | undefined
    const parents = new Set<Entry>()
    for (const c of comments) {
      const known = entries.get(c.id)
      if (known) {
        // The reader's own comment, waiting below "Load more": its page is here, so is its place.
        if (known.tail && !c.parentId) {
          known.tail = false
          frag.append(known.li)
        }
        continue
      }
      const e: Entry = { c, li: render(c), kids: null }
      first ??= e
      entries.set(c.id, e)
      news.delete(c.id)
      const parent = c.parentId ? entries.get(c.parentId) : undefined
      if (parent) {
        kidsOf(parent).append(e.li)
        parents.add(parent)
      } else if (own && sortNow() === 'newest') list.prepend(e.li)
      else if (own && cursor) {
        e.tail = true
        tail.append(e.li)
      } else frag.append(e.li)
    }
    list.append(frag)
    paintNews()
    // The reader's own reply is shown with all its siblings; other long branches fold.
    for (const p of parents) (own ? expand : collapse)(p)
    // Visible in the browser's performance panel (and to the 200-comment test).
    try {
      performance.measure('parley:render', { start: t0 })
    } catch {
      // older browsers: no measure with options
    }
    return first
  }

  const sortNow = (): Sort => sort ?? cfg.defaultSort ?? 'oldest'

  /** Up (and, where the site allows them, down) with counts; pressing again takes the vote back. */
  function votes(c: PComment, who: string): HTMLElement {
    let up = c.upvotes ?? 0
    let down = c.downvotes ?? 0
    let mine: Vote = c.myVote ?? 0
    let busy = false
    const box = h('span', { class: 'votes' })
    const button = (v: 1 | -1) => {
      const b = h('button', { type: 'button', class: 'lnk vote' })
      b.onclick = async () => {
        if (busy) return
        busy = true
        try {
          const r = await api.vote(c.id, mine === v ? 0 : v, voter.make(), tokens.list())
          up = r.upvotes
          down = r.downvotes
          mine = r.myVote
          paint()
        } catch (x) {
          status.textContent = messageOf(x)
        } finally {
          busy = false
        }
      }
      return b
    }
    const buttons: [HTMLButtonElement, 1 | -1][] = [[button(1), 1]]
    if (cfg.downvotes) buttons.push([button(-1), -1])
    function paint() {
      for (const [b, v] of buttons) {
        const n = v === 1 ? up : down
        b.setAttribute('aria-pressed', String(mine === v))
        // Named by its words and the count the eye sees ("Upvote Ann's comment, 3").
        b.replaceChildren(h('span', { 'aria-hidden': 'true' }, v === 1 ? '▲ ' : '▼ '), h('span', { class: 'sr' }, `${t(v === 1 ? 'up' : 'down', { name: who })}, `), String(n))
      }
    }
    paint()
    box.append(...buttons.map(([b]) => b))
    return box
  }

  /** Oldest, newest or best: remembered for the site; the thread starts again from its first page. */
  function sortControl(): HTMLElement {
    const select = h('select', { id: 'sort' }, ...SORTS.map((x) => h('option', { value: x, selected: x === sortNow() }, t(x))))
    select.onchange = () => {
      sort = SORTS.find((x) => x === select.value)
      if (sort) sortChoice.set(o.site, sort)
      void serial(async () => {
        if (form && !home.contains(form.el)) cancelReply()
        entries.clear()
        timers.clear()
        list.replaceChildren()
        tail.replaceChildren()
        cursor = null
        topsLoaded = 0
        highlighted = null
        await loadPage()
      }).catch((x) => (status.textContent = messageOf(x)))
    }
    return h('p', { class: 'sort' }, h('label', { for: 'sort' }, t('sortBy')), ' ', select)
  }

  /** Hides the replies of a branch past the first BRANCH behind one button. */
  function collapse(e: Entry) {
    const kids = e.kids
    if (!kids || e.open) return
    kids.querySelector(':scope > .morerep')?.remove()
    const hidden = ([...kids.children] as HTMLElement[]).slice(BRANCH)
    if (!hidden.length) return
    for (const li of hidden) li.hidden = true
    const n = hidden.reduce((sum, li) => sum + 1 + li.querySelectorAll('li.c').length, 0)
    const b = h('button', { type: 'button', class: 'btn sec' }, tn('moreReplies', n))
    b.onclick = () => {
      expand(e)
      // Keyboard users go on reading at the first reply that appeared (the button is gone).
      const at = entries.get(hidden[0]!.id.slice(8))
      if (at) focusComment(at)
    }
    kids.append(h('li', { class: 'morerep' }, b))
  }

  function expand(e: Entry) {
    e.open = true
    if (!e.kids) return
    e.kids.querySelector(':scope > .morerep')?.remove()
    for (const li of e.kids.children) (li as HTMLElement).hidden = false
  }

  /** The next page of the thread (`limit` top-level comments; the server's default when unset). */
  async function loadPage(limit?: number): Promise<Entry | undefined> {
    const page = (await read(cursor, limit)).data
    cursor = page.nextCursor
    topsLoaded += page.comments.filter((c) => !c.parentId).length
    const first = add(page.comments)
    if (!cursor) {
      // The last page: whatever still waits below it belongs at the end.
      for (const li of [...tail.children]) {
        list.append(li)
        entries.get(li.id.slice(8))!.tail = false
      }
    }
    more.hidden = !cursor
    return first
  }

  // One page load at a time: "Load more" and following a link must not fetch the same page twice.
  let loading: Promise<unknown> = Promise.resolve()
  function serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = loading.then(fn)
    loading = run.catch(() => undefined)
    return run
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
      } else t.label.textContent = `(${leftToEdit(t.until - now)})`
    }
  }
  setInterval(tick, 1000)

  function startReply(id: string, who: string, button: HTMLElement, mention = false) {
    const e = entries.get(id)
    if (!form || !e) return
    replyButton = button
    form.replyTo(id, who, mention)
    e.li.insertBefore(form.el, e.kids)
    form.focus()
  }

  /** "Link": copies `…#comment-<id>` of this page; where the clipboard is refused, shows it to copy by hand. */
  async function copyLink(id: string, b: HTMLElement) {
    const url = `${location.href.replace(/#.*$/, '')}#comment-${id}`
    b.parentElement!.querySelector('.copied')?.remove()
    let copied = false
    try {
      await navigator.clipboard.writeText(url)
      copied = true
    } catch {
      // no Clipboard API here (http page, old browser) or not allowed: the reader copies it
    }
    if (copied) {
      const note = h('span', { class: 'meta copied', 'aria-hidden': 'true' }, t('copied'))
      b.after(note)
      announce(t('copied'))
      setTimeout(() => note.remove(), 4000)
      return
    }
    const input = h('input', { id: `cl-${id}`, class: 'cl', readonly: true, value: url })
    const box = h('span', { class: 'copied' }, h('label', { for: input.id, class: 'meta' }, t('copyThis')), ' ', input)
    input.onkeydown = (ev) => {
      if (ev.key === 'Escape') {
        box.remove()
        b.focus()
      }
    }
    b.after(box)
    input.focus()
    input.select()
  }

  function cancelReply() {
    if (!form) return
    form.replyTo(null, '')
    home.append(form.el)
    replyButton?.focus()
    replyButton = null
  }

  function posted(r: Posted) {
    tokens.set(r.comment.id, r.editToken, r.editableUntil)
    if (r.comment.status === 'approved') setCount(count + 1)
    const wasReply = !!r.comment.parentId
    if (wasReply) {
      form?.replyTo(null, '')
      home.append(form!.el)
      replyButton = null
    }
    add([r.comment], true)
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
    // The server gives the author their own Markdown source; the text is a last resort.
    ta.value = e.c.body ?? body.textContent ?? ''
    const err = h('p', { class: 'msg bad', role: 'alert' })
    const done = () => {
      box.replaceWith(body)
      acts.hidden = false
    }
    const saveBtn = h('button', { type: 'button', class: 'btn sec' }, t('saveEdit'))
    saveBtn.onclick = async () => {
      saveBtn.disabled = true
      try {
        const r = await api.edit(id, ta.value, tokens.get(id)?.t ?? tok.t)
        tokens.set(id, r.editToken, r.editableUntil)
        if (e.c.status === 'approved' && r.comment.status !== 'approved') setCount(count - 1)
        replace(r.comment)
        status.textContent = r.comment.status === 'approved' ? t('updated') : t('heldMsg')
      } catch (x) {
        err.textContent = x instanceof ApiError && x.fields[0] ? `${t('body')} ${fieldText(x.fields[0].message)}` : messageOf(x)
        saveBtn.disabled = false
      }
    }
    const box = h(
      'div',
      { class: 'f' },
      h('label', { for: ta.id }, t('editLabel')),
      ta,
      err,
      h('div', { class: 'menu' }, saveBtn, h('button', { type: 'button', class: 'btn sec', onclick: done }, t('cancel'))),
    )
    body.replaceWith(box)
    acts.hidden = true
    ta.focus()
  }

  function confirmDelete(id: string, acts: HTMLElement) {
    const err = h('span', { class: 'err', role: 'alert' })
    const yes = h('button', { type: 'button', class: 'btn sec' }, t('del'))
    const no = h('button', { type: 'button', class: 'btn sec' }, t('keep'))
    const menu = h('div', { class: 'menu', role: 'group', tabindex: -1, 'aria-label': t('confirmDelete') }, h('span', null, t('confirmDelete')), yes, no, err)
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
        status.textContent = t('wasDeleted')
      } catch (x) {
        err.textContent = messageOf(x)
        yes.disabled = false
      }
    }
    menu.onkeydown = (ev) => {
      if (ev.key === 'Escape') no.click()
    }
    acts.hidden = true
    acts.after(menu)
    // The question takes focus, not "Delete": a second press of Enter must not delete.
    menu.focus()
  }

  /** "Why are you reporting …?": an explicit choice and Send, never a report on a stray Enter. */
  function openReport(id: string, who: string, acts: HTMLElement, b: HTMLElement) {
    const open = acts.nextElementSibling
    if (open?.classList.contains('rform')) {
      open.remove()
      b.setAttribute('aria-expanded', 'false')
      return
    }
    const err = h('p', { class: 'err', role: 'alert' })
    const details = h('textarea', { id: `rd-${id}`, rows: 3, maxlength: 1000 })
    const detailsBox = h('p', { class: 'f', hidden: true }, h('label', { for: details.id }, t('details')), details)
    const radios = REASONS.map((value) => {
      const r = h('input', { type: 'radio', name: `reason-${id}`, id: `r-${id}-${value}`, value })
      r.onchange = () => {
        detailsBox.hidden = value !== 'other'
        err.textContent = ''
      }
      return h('p', { class: 'ck' }, r, h('label', { for: r.id }, t(value)))
    })
    const send = h('button', { type: 'submit', class: 'btn sec' }, t('sendReport'))
    const group = h(
      'fieldset',
      { class: 'report', tabindex: -1 },
      h('legend', null, t('why', { name: who })),
      ...radios,
      detailsBox,
      err,
      h('div', { class: 'menu' }, send, h('button', { type: 'button', class: 'btn sec', onclick: () => close() }, t('cancel'))),
    )
    const form = h('form', { class: 'rform', novalidate: true }, group)
    function close() {
      form.remove()
      b.setAttribute('aria-expanded', 'false')
      b.focus()
    }
    form.onkeydown = (ev) => {
      if (ev.key === 'Escape') close()
    }
    form.onsubmit = async (ev) => {
      ev.preventDefault()
      const chosen = form.querySelector<HTMLInputElement>('input:checked')
      err.textContent = ''
      if (!chosen) {
        err.textContent = t('chooseReason')
        form.querySelector('input')!.focus()
        return
      }
      send.disabled = true
      try {
        await api.report(id, chosen.value, chosen.value === 'other' ? details.value.trim() : '')
        const done = h('p', { class: 'msg good', role: 'status', tabindex: -1 }, t('reported'))
        form.replaceWith(done)
        b.remove()
        done.focus()
      } catch (x) {
        err.textContent = messageOf(x)
        send.disabled = false
      }
    }
    acts.after(form)
    b.setAttribute('aria-expanded', 'true')
    // The group, not a reason, takes focus: its name is read out, and Enter does nothing yet.
    group.focus()
  }

  async function loadMore() {
    more.disabled = true
    try {
      const first = await serial(() => loadPage())
      // Keyboard users go on reading where the new comments start (the button may be gone).
      if (first) focusComment(first)
    } catch (x) {
      status.textContent = messageOf(x)
    } finally {
      more.disabled = false
    }
  }

  /** `#comment-<id>` (the links in emails): load its page, scroll to it, highlight and focus it. */
  async function goToHash() {
    const m = /^#comment-([a-z0-9]{1,64})$/.exec(location.hash)
    if (!m) return
    const id = m[1]!
    const say = (text: string) => {
      linkMsg.textContent = text
      linkMsg.scrollIntoView({ block: 'center' })
    }
    linkMsg.textContent = ''
    let e = entries.get(id)
    if (!e) {
      let where: Located
      try {
        where = await api.locate(o.site, o.uri, id, tokens.list(), sortNow())
      } catch (x) {
        return say(x instanceof ApiError && x.status === 404 ? t('linkMissing') : messageOf(x))
      }
      if (!where.visible) return say(where.status === 'pending' ? t('linkHeld') : t('linkGone'))
      try {
        // Pages up to the one that holds it, in as few requests as the API allows (200 a page).
        await serial(async () => {
          while (!entries.has(id) && cursor) await loadPage(Math.min(200, Math.max(50, (where.index ?? 0) + 1 - topsLoaded)))
        })
      } catch (x) {
        return say(messageOf(x))
      }
      e = entries.get(id)
      if (!e) return say(t('linkMissing'))
    }
    // A linked reply folded away in a long branch comes out first.
    for (let p = e.c.parentId ? entries.get(e.c.parentId) : undefined; p; p = p.c.parentId ? entries.get(p.c.parentId) : undefined) expand(p)
    highlighted?.classList.remove('hl')
    highlighted = e.li.firstElementChild as HTMLElement
    highlighted.classList.add('hl')
    highlighted.scrollIntoView({ block: 'center' })
    focusComment(e, true)
  }

  async function load() {
    const retrying = failure.contains(root.activeElement)
    failure.remove()
    status.textContent = t('loading')
    try {
      const first = prefetch ?? Promise.all([api.config(o.site), read(null).then((r) => r.data)])
      prefetch = null
      const [c, page] = await first
      cfg = c
      closed = page.thread.closed
      cursor = page.nextCursor
      topsLoaded = page.comments.filter((x) => !x.parentId).length
      more.hidden = !cursor
      add(page.comments)
      setCount(page.thread.commentCount)
      heading.hidden = false
      status.textContent = ''
      if (count > 1) heading.after(sortControl())
      if (closed) home.append(h('p', { class: 'closed' }, t('closed')))
      else {
        form = createForm({ ...o, api, cfg, onPosted: posted, onCancelReply: cancelReply })
        home.append(form.el)
        if (cfg.follows) home.append(createFollow(api, o))
        if (cfg.formPosition === 'top') (heading.nextElementSibling?.classList.contains('sort') ? heading.nextElementSibling : heading).after(home)
        else if (count >= LONG) {
          // A long thread: one step from its top to the form below it.
          const f = form
          const jump = h('a', { href: '#respond', class: 'jump' }, t('leave'))
          jump.onclick = (ev) => {
            ev.preventDefault()
            f.el.scrollIntoView({ block: 'start' })
            f.focus()
          }
          ;(heading.nextElementSibling?.classList.contains('sort') ? heading.nextElementSibling : heading).after(h('p', { class: 'jump' }, jump))
        }
      }
      if (retrying) {
        heading.tabIndex = -1
        heading.focus()
      }
    } catch {
      // Nothing else: no count, no form, no "No comments yet" over an outage.
      status.textContent = ''
      const retry = h('button', { type: 'button', class: 'btn sec', onclick: () => void load() }, t('retry'))
      failure.replaceChildren(h('span', null, t('loadFailed')), ' ', retry)
      section.append(failure)
      if (retrying) retry.focus()
      return
    }
    void goToHash()
    if (!liveOn) {
      liveOn = true
      list.before(newsBox)
      connectLive(`${o.base}/api/stream?${new URLSearchParams({ site: o.site, uri: o.uri })}`, onLive, () => serial(resync))
    }
  }

  // Live updates (issue 15, item 3; live.ts is the connection). New comments wait behind one
  // button ("2 new comments — show") that covers, never moves, what the reader is on: they join
  // the thread when it is pressed. Edits and removals apply in place. Nothing above the part of
  // the thread on screen may move the reader's place: `keep` scrolls back by what it changed.
  let liveOn = false
  let etag: string | undefined
  const news = new Map<string, PComment>()
  const newsButton = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => showNews() })
  const newsBox = h('div', { class: 'news', 'aria-live': 'polite' }, newsButton)

  function paintNews() {
    newsButton.hidden = !news.size
    newsButton.textContent = tn('newComments', news.size)
  }

  /** Runs a change, then scrolls by however far it moved the first comment on screen. */
  function keep(fn: () => void) {
    const a = [...root.querySelectorAll('h2,article')].find((x) => x.getBoundingClientRect().bottom > 0)
    const y = a?.getBoundingClientRect().top ?? innerHeight
    fn()
    if (y < innerHeight && a!.isConnected) scrollBy(0, a!.getBoundingClientRect().top - y)
  }

  /** One change to the thread, from the stream or found by `fresh`. */
  function onLive(event: string, c: PComment) {
    const e = entries.get(c.id)
    if (event === 'remove') {
      news.delete(c.id)
      if (e) keep(() => gone(e))
    } else if (e) {
      if (e.c.html !== c.html || e.c.status !== c.status || e.c.editedAt !== c.editedAt) keep(() => swap(e, { ...c, myVote: e.c.myVote, body: e.c.body }))
    } else if (c.status === 'approved' && (!c.parentId || entries.has(c.parentId) || news.has(c.parentId))) news.set(c.id, c)
    paintNews()
  }

  /** A comment on show, changed: its article is drawn again (its replies and an open reply form stay). */
  function swap(e: Entry, c: PComment) {
    setCount(count + +(c.status === 'approved') - +(e.c.status === 'approved'))
    const art = e.li.firstElementChild!
    const had = art.contains(root.activeElement)
    art.replaceWith(render(c).firstElementChild!)
    e.c = c
    if (had) focusComment(e, true)
  }

  /** A comment readers no longer see: a tombstone over its replies, else gone; the reader's own, held. */
  function gone(e: Entry) {
    if (tokens.get(e.c.id)) swap(e, { ...e.c, status: 'pending' })
    else if (e.kids?.querySelector('li.c')) swap(e, { ...e.c, status: 'deleted', html: '', author: { name: '', url: null, avatar: '' } })
    else {
      if (e.li.contains(form?.el ?? null)) cancelReply()
      setCount(count - +(e.c.status === 'approved'))
      e.li.remove()
      entries.delete(e.c.id)
    }
  }

  /** "N new comments — show": they join the thread where they belong; the reader's place stays. */
  function showNews() {
    const ids = new Set<string>()
    const cs = [...news.values()]
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
      .filter((c) => (!c.parentId || entries.has(c.parentId) || ids.has(c.parentId)) && ids.add(c.id))
    news.clear()
    let first: Entry | undefined
    keep(() => {
      first = add(cs, true)
      setCount(count + cs.length)
    })
    if (first) focusComment(first, true)
  }

  /**
   * Reads the part of the thread the reader has (a conditional read: nothing when unchanged) and
   * applies what differs: after a reconnect, and every few seconds where there is no stream.
   */
  async function resync() {
    const r = await read(null, Math.min(200, Math.max(50, topsLoaded)), etag)
    if (!r.data) return
    etag = r.etag ?? undefined
    const p = r.data
    const seen = new Set(p.comments.map((c) => c.id))
    const tops = p.comments.filter((c) => !c.parentId)
    const last = tops[tops.length - 1]?.createdAt ?? ''
    const s = sortNow()
    for (const c of p.comments) onLive('update', c)
    // Gone: what this read covers but no longer holds (a reply with its top-level comment, a
    // top-level comment within the read's range of dates); replies first, so no empty tombstone stays.
    for (const e of [...entries.values()].reverse()) {
      let top = e
      while (top.c.parentId && entries.get(top.c.parentId)) top = entries.get(top.c.parentId)!
      if (!seen.has(e.c.id) && !e.tail && (!p.nextCursor || seen.has(top.c.id) || (s !== 'best' && !!last && (s === 'oldest') === top.c.createdAt <= last)))
        onLive('remove', e.c)
    }
    setCount(p.thread.commentCount - news.size)
  }

  addEventListener('hashchange', () => void goToHash())
  await load()
}
