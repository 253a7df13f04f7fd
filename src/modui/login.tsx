import type { FC } from 'hono/jsx'
import { described, FieldError } from './fields.js'
import { Layout, Notice, type Flash } from './layout.js'

export const LoginPage: FC<{ next: string; email?: string; error?: string | null; flash?: Flash | null }> = ({ next, email, error, flash }) => (
  <Layout title="Sign in" m={null}>
    <div class="narrow panel">
      <h1>Sign in to moderate</h1>
      <Notice flash={flash} />
      {error ? (
        <div class="notice bad" role="alert" id="login-error">
          {error}
        </div>
      ) : null}
      <form method="post" action="/mod/login">
        <input type="hidden" name="next" value={next} />
        <div class="field">
          <label for="email">Email</label>
          <input type="email" id="email" name="email" value={email ?? ''} autocomplete="username" required autofocus />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
        </div>
        <button class="btn primary" type="submit">
          Sign in
        </button>
      </form>
    </div>
  </Layout>
)

export const SetPasswordPage: FC<{ token: string; email: string; error?: string | undefined }> = ({ token, email, error }) => (
  <Layout title="Choose a password" m={null}>
    <div class="narrow panel">
      <h1>Choose a password</h1>
      <p class="muted">
        For <strong>{email}</strong>. At least 10 characters.
      </p>
      <form method="post" action="/mod/set-password">
        <input type="hidden" name="token" value={token} />
        <input type="email" name="email" value={email} autocomplete="username" hidden readonly />
        <div class="field">
          <label for="password">New password</label>
          <input type="password" id="password" name="password" autocomplete="new-password" minlength={10} required {...described('password', error)} />
          <FieldError id="password" error={error} />
        </div>
        <div class="field">
          <label for="confirm">Repeat it</label>
          <input type="password" id="confirm" name="confirm" autocomplete="new-password" minlength={10} required />
        </div>
        <button class="btn primary" type="submit">
          Set password and sign in
        </button>
      </form>
    </div>
  </Layout>
)
