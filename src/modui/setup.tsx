import type { FC } from 'hono/jsx'
import { described, FieldError } from './fields.js'
import { Layout } from './layout.js'

export type SetupErrors = Partial<Record<'email' | 'password' | 'confirm', string>>

/** The first-admin form the one-time setup link opens (`npm start` prints it while no admin exists). */
export const SetupPage: FC<{ token: string; email?: string; errors?: SetupErrors }> = ({ token, email, errors = {} }) => {
  const count = Object.values(errors).filter(Boolean).length
  // The focus goes where the fix is: the email, else the password (both password fields come back empty).
  const focus = errors.email || !count ? 'email' : 'password'
  return (
    <Layout title="Create the first admin" m={null}>
      <div class="narrow panel">
        <h1>Create the first admin</h1>
        <p class="muted">
          Parley has no admin yet. This account can moderate and change the settings of every site, and invite the rest of the team. This link works once.
        </p>
        {count ? (
          <div class="notice bad" role="alert" id="setup-error">
            {count === 1 ? 'One field needs a change' : `${count} fields need a change`}: see below.
          </div>
        ) : null}
        <form method="post" action="/mod/setup">
          <input type="hidden" name="token" value={token} />
          <div class="field">
            <label for="email">Your email</label>
            <input type="email" id="email" name="email" value={email ?? ''} autocomplete="username" required autofocus={focus === 'email'} {...described('email', errors.email)} />
            <FieldError id="email" error={errors.email} />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <p class="hint muted" id="password-hint">
              At least 10 characters.
            </p>
            <input
              type="password"
              id="password"
              name="password"
              autocomplete="new-password"
              minlength={10}
              required
              autofocus={focus === 'password'}
              {...(errors.password ? { 'aria-describedby': 'password-hint password-err', 'aria-invalid': 'true' } : { 'aria-describedby': 'password-hint' })}
            />
            <FieldError id="password" error={errors.password} />
          </div>
          <div class="field">
            <label for="confirm">Repeat the password</label>
            <input type="password" id="confirm" name="confirm" autocomplete="new-password" minlength={10} required {...described('confirm', errors.confirm)} />
            <FieldError id="confirm" error={errors.confirm} />
          </div>
          <div class="actions-row">
            <button class="btn primary" type="submit">
              Create admin and sign in
            </button>
          </div>
        </form>
      </div>
    </Layout>
  )
}

/** A setup link that cannot be used (wrong, used, expired with a restart) or not needed (an admin exists). */
export const SetupRefusedPage: FC<{ title: string; message: string; signIn: boolean }> = ({ title, message, signIn }) => (
  <Layout title={title} m={null}>
    <div class="narrow panel">
      <h1>{title}</h1>
      <p>{message}</p>
      {signIn ? (
        <p>
          <a href="/mod/login">Sign in</a>
        </p>
      ) : (
        <p>
          While Parley has no admin, <code>npm start</code> prints a new setup link each time it starts. Or stop the server and run{' '}
          <code>npm run parley -- admin create --email you@example.org</code>.
        </p>
      )}
    </div>
  </Layout>
)
