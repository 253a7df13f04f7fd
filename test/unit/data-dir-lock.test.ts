import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDirLockedError, LOCK_FILE, lockDataDir, tookOverNotice } from '../../src/db/lock.node.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync('/tmp/parley-lock-')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const lockPath = () => join(dir, LOCK_FILE)
const holder = () => JSON.parse(readFileSync(lockPath(), 'utf8'))
/** A pid that was a process and is gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!

describe('the embedded database lock', () => {
  it('holds the pid, the port and the command, and goes away on release', () => {
    const lock = lockDataDir(dir, { command: 'npm start', port: 3000 })
    expect(holder()).toMatchObject({ pid: process.pid, port: 3000, command: 'npm start' })
    lock.setPort(4321)
    expect(holder()).toMatchObject({ pid: process.pid, port: 4321 })
    lock.release()
    expect(existsSync(lockPath())).toBe(false)
  })

  it('refuses a second holder while the first lives, in one line naming pid, port and what to do', () => {
    // The parent process stands in for a running server (alive, not us).
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid, port: 3000, command: 'npm start', since: '' }))
    let err: unknown
    try {
      lockDataDir(dir, { command: 'npm run parley' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DataDirLockedError)
    const message = (err as Error).message
    expect(message).not.toContain('\n')
    expect(message).toContain(`pid ${process.ppid}, port 3000`)
    expect(message).toContain('stop it first')
    expect(message).toContain('/mod/setup')
    expect(holder().pid).toBe(process.ppid)
  })

  it('tells a server that a CLI holds it to wait', () => {
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid, port: null, command: 'npm run parley', since: '' }))
    expect(() => lockDataDir(dir, { command: 'npm start', port: 3000 })).toThrow(/`npm run parley` \(pid \d+\).*wait for it to finish/)
  })

  it('refuses a second open in the same process too', () => {
    const lock = lockDataDir(dir, { command: 'npm start', port: 1 })
    expect(() => lockDataDir(dir, { command: 'npm run migrate' })).toThrow(DataDirLockedError)
    lock.release()
  })

  it('takes over a lock whose process is gone, and says so', () => {
    const pid = deadPid()
    writeFileSync(lockPath(), JSON.stringify({ pid, port: 3000, command: 'npm start', since: '' }))
    const lock = lockDataDir(dir, { command: 'npm run parley' })
    expect(lock.tookOver).toMatchObject({ pid, port: 3000 })
    expect(tookOverNotice(lock, dir)).toBe(`Took over the lock on ${dir}: its holder (pid ${pid}, npm start) is no longer running.`)
    expect(holder()).toMatchObject({ pid: process.pid, port: null, command: 'npm run parley' })
    lock.release()
  })

  it('takes over an unreadable lock file', () => {
    writeFileSync(lockPath(), '{"pid": ')
    const lock = lockDataDir(dir, { command: 'npm run parley' })
    expect(tookOverNotice(lock, dir)).toContain('unreadable')
    lock.release()
  })

  it('never removes a lock another process took over', () => {
    const lock = lockDataDir(dir, { command: 'npm start', port: 1 })
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid, port: null, command: 'npm run parley', since: '' }))
    lock.release()
    expect(holder().pid).toBe(process.ppid)
  })
})
