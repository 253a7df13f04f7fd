import { ApiError, type Api } from './api.js'
import { h } from './dom.js'
import { EMAIL } from './form.js'
import { identity } from './store.js'
import { errorText, fieldText, locale, t } from './text.js'

/**
 * "Email me new comments on this article" (issue 15): an address and one button. The server
 * answers the same whether or not the address follows already; the email's link confirms.
 */
export function createFollow(api: Api, o: { site: string; uri: string; title: string }): HTMLElement {
  const email = h('input', { type: 'email', id: 'pf-follow', autocomplete: 'email', maxlength: 100, 'aria-describedby': 'pf-follow-msg' })
  const msg = h('p', { class: 'msg', id: 'pf-follow-msg', role: 'status' })
  const btn = h('button', { type: 'submit', class: 'btn sec' }, t('followBtn'))
  email.value = identity.get()?.email ?? ''
  const say = (text: string, bad = false) => {
    msg.className = `msg ${bad ? 'bad' : 'good'}`
    msg.setAttribute('role', bad ? 'alert' : 'status')
    msg.textContent = text
    if (bad) email.setAttribute('aria-invalid', 'true')
    else email.removeAttribute('aria-invalid')
  }
  async function send(e: Event) {
    e.preventDefault()
    if (btn.disabled) return
    const mail = email.value.trim()
    if (!EMAIL.test(mail)) {
      say(`${t('email')} ${mail ? t('badEmail') : t('isRequired')}`, true)
      email.focus()
      return
    }
    btn.disabled = true
    try {
      await api.follow({ site: o.site, uri: o.uri, title: o.title, email: mail, lang: locale() })
      say(t('followSent'))
    } catch (err) {
      const ae = err instanceof ApiError ? err : new ApiError(0, 'error', String(err))
      const f = ae.fields.find((x) => x.path === 'email')
      say(f ? `${t('email')} ${fieldText(f.message)}` : errorText(ae.code, ae.message), true)
    } finally {
      btn.disabled = false
    }
  }
  return h(
    'form',
    { class: 'follow', novalidate: true, onsubmit: (e: Event) => void send(e) },
    h('label', { for: 'pf-follow' }, t('followLabel')),
    h('div', { class: 'fr' }, email, btn),
    msg,
  )
}
