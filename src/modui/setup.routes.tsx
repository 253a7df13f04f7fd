import { Hono } from 'hono'
import { adminExists, checkSetup, createFirstAdmin } from '../auth/setup.service.js'
import { createSession } from '../auth/session.js'
import type { AppEnv } from '../deps.js'
import { AppError } from '../errors.js'
import { back, str, type C } from './form.js'
import { SetupPage, SetupRefusedPage, type SetupErrors } from './setup.js'

/**
 * The first admin, in the browser: `/mod/setup?token=…` (the one-time link `npm start` prints
 * while Parley has no admin). A wrong or used token is 403, and once an admin exists the page
 * is 409 with a way to sign in. The form post is same-origin only, like every desk form.
 */
function refused(c: C, err: AppError) {
  const exists = err.status === 409
  const title = exists ? 'Parley already has an admin' : 'This setup link does not work'
  const message = exists
    ? 'The first admin has been made, so this setup link is no longer needed. Sign in with your email and password, or ask an admin to invite you.'
    : err.message
  return c.html(<SetupRefusedPage title={title} message={message} signIn={exists} />, exists ? 409 : 403)
}

export const setupRoutes = new Hono<AppEnv>()
  .get('/setup', async (c) => {
    const token = c.req.query('token') ?? ''
    try {
      await checkSetup(c.var.deps, token)
    } catch (err) {
      if (err instanceof AppError) return refused(c, err)
      throw err
    }
    return c.html(<SetupPage token={token} />)
  })
  .post('/setup', async (c) => {
    const deps = c.var.deps
    const body = await c.req.parseBody({ all: true })
    const token = str(body, 'token')
    const email = str(body, 'email').trim().slice(0, 254)
    const password = str(body, 'password').slice(0, 1000)
    const again = (errors: SetupErrors) => c.html(<SetupPage token={token} email={email} errors={errors} />, 400)
    try {
      await checkSetup(deps, token)
    } catch (err) {
      if (err instanceof AppError) return refused(c, err)
      throw err
    }
    const errors: SetupErrors = {}
    if (!email) errors.email = 'Enter your email address.'
    if (!password) errors.password = 'Choose a password.'
    else if (password !== str(body, 'confirm')) errors.confirm = 'The two passwords are not the same.'
    if (Object.keys(errors).length) return again(errors)
    let user
    try {
      user = await createFirstAdmin(deps, token, { email, password })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      if (err.status === 400) {
        for (const f of err.extra.fields ?? []) {
          if (f.path === 'email') errors.email = `The email ${f.message}.`
          if (f.path === 'password') errors.password = `The password ${f.message}.`
        }
        return again(Object.keys(errors).length ? errors : { email: err.message })
      }
      if (err.status === 409 && !(await adminExists(deps))) return again({ email: err.message })
      return refused(c, err)
    }
    const { cookie } = await createSession(deps, user.id)
    c.header('Set-Cookie', cookie, { append: true })
    return back(c, '/mod/queue', { kind: 'ok', text: `Welcome to Parley. You are the admin (${user.email}); invite your team from a site's settings.` })
  })
