import type { FC } from 'hono/jsx'

/** Form pieces every desk page shares: an error under its field, and the aria that ties them. */
export const FieldError: FC<{ id: string; error?: string | undefined }> = ({ id, error }) =>
  error ? (
    <p class="err" id={`${id}-err`}>
      {error}
    </p>
  ) : null

export const described = (id: string, error: string | undefined) => (error ? { 'aria-describedby': `${id}-err`, 'aria-invalid': 'true' } : {})
