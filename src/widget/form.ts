import { ApiError, type Api, type Posted, type SiteConfig } from './api.js'
import { h } from './dom.js'
import { identity } from './store.js'
import { errorText, fieldText, locale, t } from './text.js'

export interface FormOptions {
  api: Api
  /** The service's address (the privacy link under the form). */
  base?: string
  site: string
  uri: string
  title: string
  author: string
  cfg: SiteConfig
  onPosted(r: Posted): void
  onCancelReply(): void
}

export const EMAIL = /^[^\s@]+@[^\s@]+$/

/** The "Leave a Reply" form, as WordPress and the seed page have it. */
export function createForm(o: FormOptions) {
  let parentId: string | null = null
  let lastMention = ''
  // The fill-time measure: the server treats a form sent faster than a person types as spam.
  let shownAt = Date.now()
  const need = o.cfg.requireNameEmail
  const errs: Record<string, HTMLElement> = {}
  const inputs: Record<string, HTMLInputElement | HTMLTextAreaElement> = {}

  const star = () => h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')
  const field = (name: string, el: HTMLInputElement | HTMLTextAreaElement, required: boolean) => {
    const id = `pf-${name}`
    el.id = id
    el.name = name
    if (required) el.setAttribute('aria-required', 'true')
    el.setAttribute('aria-describedby', `${id}-err`)
    inputs[name] = el
    errs[name] = h('p', { class: 'err', id: `${id}-err`, hidden: true })
    return h('p', { class: 'f' }, h('label', { for: id }, t(name), required && star()), el, errs[name])
  }

  const body = h('textarea', { rows: 6, maxlength: o.cfg.maxBodyLength })
  const name = h('input', { type: 'text', autocomplete: 'name', maxlength: 245 })
  const email = h('input', { type: 'email', autocomplete: 'email', maxlength: 100 })
  const url = h('input', { type: 'text', inputmode: 'url', autocomplete: 'url', maxlength: 200 })
  const hp = h('input', { type: 'text', name: 'hp', id: 'pf-hp', tabindex: -1, autocomplete: 'off' })
  const save = h('input', { type: 'checkbox', id: 'pf-save' })
  const notify = h('input', { type: 'checkbox', id: 'pf-notify' })
  const msg = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' })
  const submit = h('button', { type: 'submit', class: 'btn' }, t('post'))
  const titleText = h('span', null, t('leave'))
  const cancel = h('button', { type: 'button', class: 'lnk small', hidden: true, onclick: () => o.onCancelReply() }, t('cancelReply'))

  const me = identity.get()
  if (me) {
    name.value = me.name
    email.value = me.email
    url.value = me.url
    save.checked = true
  }

  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'reply-title', onsubmit: (e: Event) => void send(e) },
    h(
      'p',
      { class: 'note' },
      h('span', { id: 'email-notes' }, t('note')),
      o.base && h('span', null, ' ', h('a', { href: `${o.base}/privacy?site=${encodeURIComponent(o.site)}${locale() === 'en' ? '' : `&lang=${locale()}`}`, target: '_blank', rel: 'noopener' }, t('privacy')), '.'),
      // "Required fields are marked *", the star where the language puts it.
      ' ',
      ...t('required')
        .split('{star}')
        .flatMap((part, i) => (i ? [h('span', { class: 'req' }, '*'), part] : [part])),
    ),
    field('body', body, true),
    h('div', { class: 'row' }, field('name', name, need), field('email', email, need)),
    field('url', url, false),
    // Kept empty by people (hidden from sight, from the tab order and from screen readers); bots fill it.
    h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', { for: 'pf-hp' }, t('hp')), hp),
    h('p', { class: 'ck' }, save, h('label', { for: 'pf-save' }, t('save'))),
    o.cfg.replyNotifications && h('p', { class: 'ck' }, notify, h('label', { for: 'pf-notify' }, t('notify'))),
    msg,
    h('p', null, submit),
  )
  email.setAttribute('aria-describedby', 'pf-email-err email-notes')
  const el = h('div', { class: 'respond', id: 'respond' }, h('h3', { id: 'reply-title' }, titleText, cancel), form)
  // Escape while replying gives up the reply, as "Cancel reply" does.
  el.onkeydown = (e) => {
    if (e.key === 'Escape' && parentId) o.onCancelReply()
  }

  function say(text: string, kind: '' | 'good' | 'bad' = '') {
    msg.className = `msg ${kind}`
    msg.setAttribute('role', kind === 'bad' ? 'alert' : 'status')
    msg.textContent = text
  }

  function showErrors(fields: { path: string; message: string }[], fromServer = false): boolean {
    let first: HTMLElement | null = null
    const lines: string[] = []
    for (const f of fields) {
      const input = inputs[f.path]
      const err = errs[f.path]
      const line = `${t(f.path)} ${fromServer ? fieldText(f.message) : f.message}`
      lines.push(line)
      if (!input || !err) continue
      input.setAttribute('aria-invalid', 'true')
      err.textContent = line
      err.hidden = false
      first ??= input
    }
    if (lines.length) say(t('fix') + lines.join('. ') + '.', 'bad')
    first?.focus()
    return lines.length > 0
  }

  function clearErrors() {
    for (const k of Object.keys(errs)) {
      errs[k]!.hidden = true
      errs[k]!.textContent = ''
      inputs[k]!.removeAttribute('aria-invalid')
    }
    say('')
  }

  function check(): { path: string; message: string }[] {
    const out: { path: string; message: string }[] = []
    const mail = email.value.trim()
    if (!body.value.trim()) out.push({ path: 'body', message: t('isRequired') })
    if (need && !name.value.trim()) out.push({ path: 'name', message: t('isRequired') })
    if (need && !mail) out.push({ path: 'email', message: t('isRequired') })
    else if (mail && !EMAIL.test(mail)) out.push({ path: 'email', message: t('badEmail') })
    // The server would quietly drop "notify me" without an address: say so instead.
    else if (!mail && notify.checked) out.push({ path: 'email', message: t('emailForNotify') })
    return out
  }

  async function send(e: Event) {
    e.preventDefault()
    if (submit.disabled) return
    clearErrors()
    if (showErrors(check())) return
    submit.disabled = true
    say(t('posting'))
    const payload: Record<string, unknown> = {
      site: o.site,
      uri: o.uri,
      title: o.title,
      parentId,
      body: body.value,
      name: name.value.trim(),
      email: email.value.trim(),
      url: url.value.trim() || null,
      notifyReplies: notify.checked,
      hp: hp.value,
      elapsedMs: Date.now() - shownAt,
    }
    if (o.author) payload.author = o.author
    // Emails about this comment (confirm, replies, approved) go out in the page's language.
    payload.lang = locale()
    try {
      const r = await o.api.post(payload)
      identity.set(save.checked ? { name: name.value.trim(), email: email.value.trim(), url: url.value.trim() } : null)
      body.value = ''
      shownAt = Date.now()
      o.onPosted(r.data)
      say((r.status === 201 ? t('published') : t('heldMsg')) + (payload.notifyReplies ? ' ' + t('notifyNote') : ''), 'good')
    } catch (err) {
      // Whatever went wrong, what the person typed stays in the form.
      const ae = err instanceof ApiError ? err : new ApiError(0, 'error', String(err))
      if (ae.fields.length && showErrors(ae.fields, true)) return
      say(ae.status === 429 ? t('tooFast', { n: ae.retryAfter || 15 }) : errorText(ae.code, ae.message), 'bad')
    } finally {
      submit.disabled = false
    }
  }

  return {
    el,
    say,
    /** `mention`: the deepest level, where the reply joins its level and starts "@name ". */
    replyTo(id: string | null, who: string, mention = false) {
      parentId = id
      titleText.textContent = id ? t('leaveTo', { name: who }) : t('leave')
      cancel.hidden = !id
      // A mention nobody added to stays only while it is all there is.
      if (body.value === lastMention) body.value = ''
      lastMention = mention ? `@${who} ` : ''
      if (mention && !body.value.trim()) body.value = lastMention
    },
    focus() {
      body.focus()
      body.setSelectionRange(body.value.length, body.value.length)
    },
  }
}
export type Form = ReturnType<typeof createForm>
