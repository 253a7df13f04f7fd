import type { FC } from 'hono/jsx'
import type { ModeratorIdentity } from '../deps.js'
import { Layout } from './layout.js'

export const ErrorPage: FC<{ m: ModeratorIdentity | null; title: string; message: string; settingsSite?: string | null }> = ({ m, title, message, settingsSite }) => (
  <Layout title={title} m={m} settingsSite={settingsSite ?? null}>
    <div class="panel">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/mod/queue">Back to the queue</a>
      </p>
    </div>
  </Layout>
)
