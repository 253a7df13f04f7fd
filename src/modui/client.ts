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

const cards = () => $$('.card', list)
function focusCard(i, scroll) {
  const all = cards()
  if (!all.length) { current = -1; const e = $('#queue-empty'); if (e) { e.hidden = false; e.focus() } return }
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
  selectAll.addEventListener('change', () => { for (const b of $$('input[name=ids]', list)) b.checked = selectAll.checked; updateBulk() })
}
function updateBulk() {
  const n = $$('input[name=ids]:checked', list).length
  const el = $('#bulk-count'); if (el) el.textContent = n ? n + ' selected' : ''
  for (const b of $$('.bulk button')) b.disabled = n === 0
}
list.addEventListener('change', (e) => { if (e.target.name === 'ids') updateBulk() })
updateBulk()

function setCounts(counts) {
  if (!counts) return
  for (const [k, v] of Object.entries(counts)) { const el = $('[data-count="' + k + '"]'); if (el) el.textContent = String(v) }
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

async function act(ids, action, reason) {
  if (!ids.length) return
  const body = scope(new URLSearchParams())
  for (const id of ids) body.append('ids', id)
  body.set('action', action)
  if (reason) body.set('reason', reason)
  const all = cards()
  const at = Math.max(0, all.findIndex((c) => ids.includes(c.dataset.id)))
  let data
  try { data = await post('/mod/act', body) } catch (err) { showToast(err.message, null, true); return }
  const removed = []
  for (const it of data.items) {
    const card = list.querySelector('.card[data-id="' + it.id + '"]')
    if (!card) continue
    if (queue === 'reported' || queue !== it.to) {
      removed.push({ card, next: card.nextElementSibling })
      card.remove()
    } else {
      const pill = $('.pill.status', card); if (pill) { pill.className = 'pill status ' + it.to; pill.textContent = it.to }
    }
  }
  setCounts(data.counts)
  updateBulk()
  if (selectAll) selectAll.checked = false
  focusCard(removed.length ? at : current)
  showToast(data.message, () => undo(data.items, removed))
}

async function undo(items, removed) {
  lastUndo = null
  const body = scope(new URLSearchParams())
  for (const it of items) body.append('undo', it.id + ':' + it.from)
  let data
  try { data = await post('/mod/undo', body) } catch (err) { showToast(err.message, null, true); return }
  for (const r of removed.reverse()) {
    const box = $('input[name=ids]', r.card); if (box) box.checked = false
    if (r.next && r.next.parentNode === list) list.insertBefore(r.card, r.next); else list.appendChild(r.card)
  }
  const e = $('#queue-empty'); if (e && cards().length) e.hidden = true
  setCounts(data.counts)
  const first = removed.length ? cards().indexOf(removed[removed.length - 1].card) : current
  focusCard(first)
  showToast(data.message, null)
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
    act($$('input[name=ids]:checked', list).map((x) => x.value), b.value, '')
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

// Live counts: the tabs follow what other moderators do.
setInterval(async () => {
  if (document.hidden) return
  try {
    const res = await fetch('/mod/counts' + location.search, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    if (res.ok) setCounts((await res.json()).counts)
  } catch (_) {}
}, 30000)
})()
`
