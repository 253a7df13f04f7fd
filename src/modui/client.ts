/**
 * The moderator UI's progressive script (served at /mod/assets/mod.js, same origin, no
 * framework). Without it every action is a plain form post that redirects back; with it,
 * actions go through fetch, the next card takes focus, an Undo toast appears, and the
 * keyboard works: j/k move, a approve, r reject, s spam, x select, u undo, ? help.
 */
export const MOD_JS = String.raw`(() => {
'use strict'
const $ = (s, r) => (r || document).querySelector(s)
const $$ = (s, r) => Array.from((r || document).querySelectorAll(s))
const live = $('#live')
const say = (msg) => { if (live) { live.textContent = ''; setTimeout(() => { live.textContent = msg }, 30) } }

document.addEventListener('change', (e) => {
  const t = e.target
  if (t && t.matches && t.matches('[data-autosubmit]') && t.form) t.form.requestSubmit ? t.form.requestSubmit() : t.form.submit()
})
for (const b of $$('[data-copy]')) {
  b.hidden = false
  b.addEventListener('click', async () => {
    const src = document.getElementById(b.getAttribute('data-copy'))
    try { await navigator.clipboard.writeText(src.textContent); say('Copied to the clipboard.') } catch (_) { say('Select the text and copy it.') }
  })
}

// An import's progress page: poll its status, update the bar, reload when the state changes.
const job = $('#import-job')
if (job && /^(checking|importing)$/.test(job.getAttribute('data-state'))) {
  const bar = $('#import-progress')
  const detail = $('#import-detail')
  const mb = (b) => (b / 1048576).toFixed(1) + ' MB'
  const tick = async () => {
    try {
      const r = await fetch(job.getAttribute('data-poll'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      const j = (await r.json()).import
      if (!j || j.state !== job.getAttribute('data-state')) { location.reload(); return }
      if (bar) bar.value = j.progress.bytesRead
      if (detail) detail.textContent = j.progress.comments.toLocaleString('en-US') + ' comments so far · ' + mb(j.progress.bytesRead) + ' of ' + mb(j.bytes) + ' read'
    } catch (_) { /* try again on the next tick */ }
    setTimeout(tick, 1000)
  }
  setTimeout(tick, 700)
}

const list = $('#queue-list')
const form = $('#queue-form')
if (!list || !form) return
const queue = list.getAttribute('data-queue')
const toast = $('#toast')
const toastText = $('#toast-text')
const toastUndo = $('#toast-undo')
let current = -1
let lastUndo = null
let toastTimer = 0

// Cards on their way out (an action sent, the answer not back yet) are hidden and skipped.
const cards = () => $$('.card', list).filter((c) => !c.hidden)
const emptyBox = $('#queue-empty')
const countOf = (q) => { const el = $('[data-count="' + q + '"]'); return el ? Number(el.textContent) || 0 : 0 }
// Actions go to the server one after another, in the order they were asked for.
let chain = Promise.resolve()
let inFlight = 0
let refilling = false
function showEmpty() {
  if (!emptyBox) return
  const n = countOf(queue)
  emptyBox.textContent = inFlight > 0 || refilling ? emptyBox.getAttribute('data-loading')
    : n === 0 ? emptyBox.getAttribute('data-none')
    : emptyBox.getAttribute('data-more')
  emptyBox.hidden = false
}
function focusCard(i, scroll) {
  const all = cards()
  if (!all.length) { current = -1; showEmpty(); if (emptyBox) emptyBox.focus(); return }
  if (emptyBox) emptyBox.hidden = true
  current = Math.max(0, Math.min(i, all.length - 1))
  all.forEach((c, k) => c.classList.toggle('focused', k === current))
  all[current].focus({ preventScroll: !scroll })
  if (scroll !== false) all[current].scrollIntoView({ block: 'nearest' })
}
list.addEventListener('focusin', (e) => {
  const c = e.target.closest && e.target.closest('.card')
  if (!c) return
  const i = cards().indexOf(c)
  if (i !== current) { current = i; cards().forEach((x, k) => x.classList.toggle('focused', k === i)) }
})

const selectAll = $('#select-all')
if (selectAll) {
  selectAll.hidden = false
  const lbl = $('label[for=select-all]'); if (lbl) lbl.hidden = false
  selectAll.addEventListener('change', () => { for (const c of cards()) { const b = $('input[name=ids]', c); if (b) b.checked = selectAll.checked } updateBulk() })
}
const checkedIds = () => cards().map((c) => $('input[name=ids]:checked', c)).filter(Boolean).map((b) => b.value)
function updateBulk() {
  const n = checkedIds().length
  const el = $('#bulk-count'); if (el) el.textContent = n ? n + ' selected' : ''
  for (const b of $$('.bulk button')) b.disabled = n === 0
}
list.addEventListener('change', (e) => { if (e.target.name === 'ids') updateBulk() })
updateBulk()

function setCounts(counts) {
  if (!counts) return
  for (const [k, v] of Object.entries(counts)) { const el = $('[data-count="' + k + '"]'); if (el) { el.textContent = String(v); el.setAttribute('aria-label', v + ' comments') } }
}
function showToast(msg, undo, bad) {
  clearTimeout(toastTimer)
  toastText.textContent = msg
  toast.classList.toggle('bad', !!bad)
  toastUndo.hidden = !undo
  toast.hidden = false
  say(msg + (undo ? ' Press u to undo.' : ''))
  lastUndo = undo || null
  toastTimer = setTimeout(() => { toast.hidden = true; lastUndo = null }, undo ? 8000 : 5000)
}
toastUndo.addEventListener('click', () => { if (lastUndo) lastUndo() })

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST', credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })
  let data = null
  try { data = await res.json() } catch (_) {}
  if (res.status === 401) { location.href = '/mod/login?next=' + encodeURIComponent(location.pathname + location.search); throw new Error('Signed out.') }
  if (!res.ok) throw new Error((data && data.error && data.error.message) || 'That did not work (' + res.status + ').')
  return data
}
function scope(body) {
  for (const n of ['site', 'thread', 'q', 'queue']) { const i = form.elements.namedItem(n); if (i && i.value) body.set(n, i.value) }
  return body
}
function enqueue(job) {
  inFlight++
  const run = chain.then(job).catch(() => {}).then(() => { inFlight--; if (!cards().length) return refill() })
  chain = run
  return run
}

const TARGET = { approve: 'approved', reject: 'rejected', spam: 'spam', restore: 'pending' }
const leavesQueue = (to) => queue === 'reported' || queue !== to

// The cards leave the list and the focus moves on at once, so the next key goes to the next card;
// the requests follow in order. A refused action puts its cards back and says why.
function act(ids, action, reason) {
  if (!ids.length) return
  const all = cards()
  const at = Math.max(0, all.findIndex((c) => ids.includes(c.dataset.id)))
  const mine = ids.map((id) => list.querySelector('.card[data-id="' + id + '"]')).filter(Boolean)
  const leaving = TARGET[action] && leavesQueue(TARGET[action])
  if (leaving) for (const c of mine) { c.hidden = true; c.classList.remove('focused'); const b = $('input[name=ids]', c); if (b) b.checked = false }
  if (selectAll) selectAll.checked = false
  updateBulk()
  const body = scope(new URLSearchParams())
  for (const id of ids) body.append('ids', id)
  body.set('action', action)
  if (reason) body.set('reason', reason)
  enqueue(async () => {
    let data
    try { data = await post('/mod/act', body) } catch (err) {
      for (const c of mine) c.hidden = false
      updateBulk()
      showToast(err.message, null, true)
      return
    }
    const removed = []
    for (const it of data.items) {
      const card = list.querySelector('.card[data-id="' + it.id + '"]')
      if (!card) continue
      if (leavesQueue(it.to)) {
        removed.push({ card, next: card.nextElementSibling })
        card.remove()
        card.hidden = false
      } else {
        card.hidden = false
        const pill = $('.pill.status', card); if (pill) { pill.className = 'pill status ' + it.to; pill.textContent = it.to }
      }
    }
    for (const c of mine) if (c.isConnected) c.hidden = false
    setCounts(data.counts)
    updateBulk()
    showToast(data.message, () => undo(data.items, removed))
  })
  focusCard(leaving ? at : ids.length === 1 ? at + 1 : current)
}

function undo(items, removed) {
  lastUndo = null
  toast.hidden = true
  const body = scope(new URLSearchParams())
  for (const it of items) body.append('undo', it.id + ':' + it.from)
  enqueue(async () => {
    let data
    try { data = await post('/mod/undo', body) } catch (err) { showToast(err.message, null, true); return }
    for (const r of removed.reverse()) {
      const box = $('input[name=ids]', r.card); if (box) box.checked = false
      if (list.querySelector('.card[data-id="' + r.card.dataset.id + '"]')) continue
      if (r.next && r.next.parentNode === list) list.insertBefore(r.card, r.next); else list.appendChild(r.card)
    }
    if (emptyBox && cards().length) emptyBox.hidden = true
    setCounts(data.counts)
    const first = removed.length ? cards().indexOf(removed[removed.length - 1].card) : current
    focusCard(first)
    showToast(data.message, null)
  })
}

// The page emptied while more wait: load the next ones in place (the ones acted on have left the
// queue, so this address now lists the next page) and give the first of them the focus.
async function refill() {
  if (inFlight > 0 || refilling || cards().length) return
  if (countOf(queue) === 0) { showEmpty(); return }
  refilling = true
  showEmpty()
  try {
    const res = await fetch(location.pathname + location.search, { credentials: 'same-origin', headers: { accept: 'text/html' } })
    if (!res.ok) throw new Error('That did not work (' + res.status + ').')
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
    const fresh = doc.getElementById('queue-list')
    for (const c of fresh ? Array.from(fresh.children) : []) {
      if (!list.querySelector('.card[data-id="' + c.getAttribute('data-id') + '"]')) list.appendChild(document.importNode(c, true))
    }
    const pager = $('.pager'), newPager = doc.querySelector('.pager')
    if (pager && newPager) pager.replaceWith(document.importNode(newPager, true)); else if (pager) pager.remove()
    const counts = {}
    for (const el of doc.querySelectorAll('[data-count]')) counts[el.getAttribute('data-count')] = Number(el.textContent) || 0
    setCounts(counts)
  } catch (err) {
    showToast(err.message, null, true)
  } finally {
    refilling = false
  }
  updateBulk()
  const hadFocus = !document.activeElement || document.activeElement === document.body || document.activeElement === emptyBox
  if (cards().length) { if (emptyBox) emptyBox.hidden = true; if (hadFocus) focusCard(0); say('The next comments are here.') }
  else showEmpty()
}

// A thread or comment page shows every status: there a plain post and redirect keeps each card's buttons right.
const inPlace = queue !== 'all'
form.addEventListener('submit', (e) => {
  const b = e.submitter
  if (!b || !inPlace) return
  if (b.name === 'one') {
    e.preventDefault()
    const [id, action] = b.value.split(':')
    const r = form.elements.namedItem('reason-' + id)
    act([id], action, r ? r.value.trim() : '')
  } else if (b.name === 'action') {
    e.preventDefault()
    act(checkedIds(), b.value, '')
  }
})

const help = $('#keys-help')
function onCard(fn) { const all = cards(); if (current < 0 && all.length) focusCard(0); const c = cards()[current]; if (c) fn(c) }
document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return
  const t = e.target
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return
  if (help && help.open && e.key !== '?') return
  const k = e.key
  if (k === 'j') { e.preventDefault(); focusCard(current + 1) }
  else if (k === 'k') { e.preventDefault(); focusCard(current < 0 ? 0 : current - 1) }
  else if (k === 'a' || k === 'r' || k === 's') {
    e.preventDefault()
    const action = { a: 'approve', r: 'reject', s: 'spam' }[k]
    onCard((c) => {
      const btn = c.querySelector('button[value="' + c.dataset.id + ':' + action + '"]')
      if (btn) { if (inPlace) act([c.dataset.id], action, ''); else btn.click() }
    })
  } else if (k === 'x') { e.preventDefault(); onCard((c) => { const b = $('input[name=ids]', c); if (b) { b.checked = !b.checked; updateBulk() } }) }
  else if (k === 'u' || k === 'z') { if (lastUndo) { e.preventDefault(); lastUndo() } }
  else if (k === '?') { e.preventDefault(); if (help) { if (help.open) help.close(); else help.showModal() } }
})
const helpBtn = $('#keys-button')
if (helpBtn && help) { helpBtn.hidden = false; helpBtn.addEventListener('click', () => help.showModal()) }

// Live: the tabs follow what other moderators do, and new comments in this queue announce
// themselves ("2 new in queue — show", a polite live region) without moving the card being
// worked: they join the list only when asked, the card in hand staying where it is on screen.
// New = posted after the page was made (data-since, the server's clock); only on a queue's first page.
const newBtn = $('#queue-new-show')
const waiting = []
const timeOf = (c) => { const t = $('time', c); return t ? t.getAttribute('datetime') : '' }
const cardIn = (id) => list.querySelector('.card[data-id="' + id + '"]')
const since = list.getAttribute('data-since') || ''
const oldestFirst = /[?&]sort=oldest/.test(location.search)
function paintNew() {
  newBtn.hidden = !waiting.length
  newBtn.textContent = waiting.length + ' new in queue \u2014 show'
}
async function lookForNew() {
  const res = await fetch(location.pathname + location.search, { credentials: 'same-origin', headers: { accept: 'text/html' } })
  if (!res.ok) return
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
  for (const c of doc.querySelectorAll('#queue-list > .card')) {
    const id = c.getAttribute('data-id')
    if (timeOf(c) > since && !cardIn(id) && !waiting.some((w) => w.dataset.id === id)) waiting.push(document.importNode(c, true))
  }
  paintNew()
}
if (newBtn) newBtn.addEventListener('click', () => {
  const fresh = waiting.splice(0).filter((c) => !cardIn(c.dataset.id)).sort((a, b) => (timeOf(a) < timeOf(b) ? -1 : 1))
  paintNew()
  if (!fresh.length) return
  if (!oldestFirst) fresh.reverse()
  const all = cards()
  const anchor = all[current] || all[0]
  const y = anchor ? anchor.getBoundingClientRect().top : 0
  if (oldestFirst) list.append(...fresh); else list.prepend(...fresh)
  if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - y)
  updateBulk()
  focusCard(cards().indexOf(fresh[0]))
})
const every = Number(list.getAttribute('data-poll')) || 30
setInterval(async () => {
  if (document.hidden) return
  try {
    const res = await fetch('/mod/counts' + location.search, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    if (!res.ok) return
    const counts = (await res.json()).counts
    const grew = counts[queue] > countOf(queue)
    setCounts(counts)
    if (grew && newBtn && inPlace && !/[?&]cursor=/.test(location.search)) await lookForNew()
  } catch (_) {}
}, every * 1000)
})()
`
