import { Hono } from 'hono'
import { setPasswordWithToken, userForPasswordToken } from '../auth/invite.service.js'
import { blankSessionCookie, createSession, invalidateSessionToken, sessionTokenFrom } from '../auth/session.js'
import { verifyLogin } from '../auth/user.service.js'
import type { AppEnv } from '../deps.js'
import { AppError } from '../errors.js'
import { back, safeReturn, str, takeFlash } from './form.js'
import { LoginPage, SetPasswordPage } from './login.js'
import { ErrorPage } from './pages.js'

/** Desk pages anyone may open: sign in, sign out, set a password from an invite. */
export const loginRoutes = new Hono<AppEnv>()
  .get('/login', (c) => {
    const next = safeReturn(c.req.query('next'))
    if (c.var.moderator) return c.redirect(next, 303)
    return c.html(<LoginPage next={next} flash={takeFlash(c)} />)
  })
  .post('/login', async (c) => {
    const deps = c.var.deps
    const body = await c.req.parseBody({ all: true })
    const email = str(body, 'email').trim()
    const password = str(body, 'password')
    const next = safeReturn(str(body, 'next'))
    const again = (status: 400 | 401 | 429, error: string) => c.html(<LoginPage next={next} email={email} error={error} />, status)
    if (!email || !password) return again(400, 'Enter your email address and your password.')
    try {
      const user = await verifyLogin(deps, { email: email.slice(0, 254), password: password.slice(0, 1000) }, deps.clientIp(c))
      const { cookie } = await createSession(deps, user.id)
      c.header('Set-Cookie', cookie, { append: true })
      deps.log.info('moderator signed in', { user: user.id, via: 'ui' })
      return c.redirect(next, 303)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      if (err.status === 429) {
        const minutes = Math.max(1, Math.ceil(Number(err.extra.headers?.['Retry-After'] ?? 60) / 60))
        c.header('Retry-After', err.extra.headers?.['Retry-After'] ?? '60')
        return again(429, `Too many failed sign-ins. For your safety, signing in is locked for about ${minutes} minute${minutes === 1 ? '' : 's'}.`)
      }
      if (err.status === 401) return again(401, 'That email and password do not match an account. Check both and try again.')
      return again(400, err.message)
    }
  })
  .post('/logout', async (c) => {
    const token = sessionTokenFrom(c)
    if (token) await invalidateSessionToken(c.var.deps, token)
    c.header('Set-Cookie', blankSessionCookie(c.var.deps), { append: true })
    return back(c, '/mod/login', { kind: 'ok', text: 'You are signed out.' })
  })
  .get('/set-password', async (c) => {
    const token = c.req.query('token') ?? ''
    const user = await userForPasswordToken(c.var.deps, token)
    if (!user) return c.html(<ErrorPage m={null} title="This link does not work" message="It is incomplete, has expired, or was already used. Ask an admin for a new invite." />, 400)
    return c.html(<SetPasswordPage token={token} email={user.email} />)
  })
  .post('/set-password', async (c) => {
    const deps = c.var.deps
    const body = await c.req.parseBody({ all: true })
    const token = str(body, 'token')
    const password = str(body, 'password')
    const user = await userForPasswordToken(deps, token)
    if (!user) return c.html(<ErrorPage m={null} title="This link does not work" message="It is incomplete, has expired, or was already used. Ask an admin for a new invite." />, 400)
    if (password !== str(body, 'confirm')) return c.html(<SetPasswordPage token={token} email={user.email} error="The two passwords are not the same." />, 400)
    try {
      const done = await setPasswordWithToken(deps, token, password)
      if (!done) return c.html(<ErrorPage m={null} title="This link does not work" message="It was already used." />, 400)
    } catch (err) {
      if (err instanceof AppError && err.status === 400) {
        return c.html(<SetPasswordPage token={token} email={user.email} error={`The password ${err.extra.fields?.[0]?.message ?? 'is not valid'}.`} />, 400)
      }
      throw err
    }
    const { cookie } = await createSession(deps, user.id)
    c.header('Set-Cookie', cookie, { append: true })
    return back(c, '/mod/queue', { kind: 'ok', text: 'Your password is set. Welcome to Parley.' })
  })
