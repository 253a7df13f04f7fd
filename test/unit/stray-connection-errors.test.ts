import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The server and the mail worker stay up when a database connection error rejects a promise
// nobody awaits (src/db/node.ts keepUpOnStrayConnectionErrors); anything else still ends them.
const nodeTs = fileURLToPath(new URL('../../src/db/node.ts', import.meta.url))

function run(rejection: string): Promise<{ code: number | null; out: string }> {
  const script = `
    const { keepUpOnStrayConnectionErrors } = await import(${JSON.stringify(nodeTs)})
    keepUpOnStrayConnectionErrors((msg, fields) => console.log('warn', msg, JSON.stringify(fields)))
    Promise.reject(${rejection})
    setTimeout(() => { console.log('still up'); process.exit(0) }, 200)
  `
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })
    })
  })
}

describe('stray database connection errors', () => {
  it('a lost connection’s rejection nobody awaits is logged with its code, and the process stays up', async () => {
    const r = await run(`Object.assign(new Error('write CONNECTION_DESTROYED 127.0.0.1:5432'), { code: 'CONNECTION_DESTROYED' })`)
    expect(r.out).toContain('still up')
    expect(r.out).toContain('"code":"CONNECTION_DESTROYED"')
    expect(r.code).toBe(0)
  })

  it('any other unhandled rejection still ends the process', async () => {
    const r = await run(`new Error('a real bug')`)
    expect(r.out).not.toContain('still up')
    expect(r.out).toContain('a real bug')
    expect(r.code).not.toBe(0)
  })
})
