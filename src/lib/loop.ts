import type { Logger } from './log.js'

export interface Loop {
  /** Wakes a sleeping loop, lets the round in flight finish, and resolves when the loop has ended. */
  stop(): Promise<void>
}

/**
 * A background loop (the outbox worker, the retention purge): runs `round` at once and then
 * `intervalMs` after each round ends, until stopped. A failed round is logged as `failed` and the
 * loop goes on. `round` gets `isStopped` to end long work early.
 */
export function startLoop(log: Logger, failed: string, intervalMs: number, round: (isStopped: () => boolean) => Promise<void>): Loop {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let wake: (() => void) | undefined
  const isStopped = () => stopped
  const loop = (async () => {
    while (!stopped) {
      try {
        await round(isStopped)
      } catch (err) {
        log.error(failed, { error: String((err as Error)?.message ?? err) })
      }
      if (stopped) break
      await new Promise<void>((resolve) => {
        wake = resolve
        timer = setTimeout(resolve, intervalMs)
      })
    }
  })()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      wake?.()
      await loop
    },
  }
}
