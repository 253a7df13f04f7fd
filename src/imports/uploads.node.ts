import Busboy from 'busboy'
import { createWriteStream, mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../errors.js'
import { newId } from '../lib/ids.js'
import { fileInput } from './files.node.js'
import type { UploadStore } from './jobs.js'

const tooLarge = (max: number) => new AppError('payload_too_large', 413, `Files up to ${max / 1048576} MB can be imported here; use the command line for larger ones.`)

/** Counts bytes on their way to disk and stops the stream past `max`. */
function limiter(max: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      counted.bytes += chunk.length
      if (counted.bytes > max) cb(tooLarge(max))
      else cb(null, chunk)
    },
  })
}

/**
 * Uploaded import files in a private temp directory (mode 0700, files 0600): streamed to disk,
 * never held in memory, removed after the import or when discarded.
 */
export function createTempUploads(given?: string): UploadStore {
  // Made on first use: the CLI boots the same deps and never uploads.
  let dir = given
  const path = (id: string) => {
    if (!/^[a-z0-9]{1,64}$/.test(id)) throw new Error('bad upload id')
    dir ??= mkdtempSync(join(tmpdir(), 'parley-uploads-'))
    return join(dir, `${id}.upload`)
  }
  return {
    async save(body, maxBytes) {
      const id = newId()
      const counted = { bytes: 0 }
      try {
        await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), limiter(maxBytes, counted), createWriteStream(path(id), { mode: 0o600 }))
      } catch (err) {
        await rm(path(id), { force: true })
        throw err instanceof AppError ? err : new AppError('validation_failed', 400, 'The upload did not arrive whole; try again.')
      }
      return { id, bytes: counted.bytes }
    },

    saveMultipart(body, contentType, maxBytes) {
      return new Promise((resolve, reject) => {
        let bb: Busboy.Busboy
        try {
          bb = Busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fields: 20, fieldSize: 10_000, fileSize: maxBytes } })
        } catch {
          reject(new AppError('validation_failed', 400, 'Send the form as multipart/form-data.'))
          return
        }
        const fields: Record<string, string> = {}
        let file: { id: string; bytes: number; name: string } | null = null
        let writing: Promise<void> = Promise.resolve()
        let failed: unknown = null
        bb.on('field', (name, value) => {
          fields[name] = value
        })
        bb.on('file', (_name, stream, info) => {
          if (!info.filename) {
            stream.resume()
            return
          }
          const id = newId()
          const counted = { bytes: 0 }
          let truncated = false
          stream.on('limit', () => (truncated = true))
          file = { id, bytes: 0, name: info.filename }
          const f = file
          writing = pipeline(stream, limiter(maxBytes + 1, counted), createWriteStream(path(id), { mode: 0o600 }))
            .then(() => {
              f.bytes = counted.bytes
              if (truncated) throw tooLarge(maxBytes)
            })
            .catch(async (err) => {
              failed = err
              await rm(path(id), { force: true })
            })
        })
        bb.on('error', (err) => {
          failed ??= err
        })
        bb.on('close', async () => {
          await writing
          if (failed) {
            reject(failed instanceof AppError ? failed : new AppError('validation_failed', 400, 'The upload did not arrive whole; try again.'))
            return
          }
          resolve({ file, fields })
        })
        Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
          .on('error', (err) => {
            failed ??= err
            bb.destroy(err)
            // 'close' may not come after a destroyed parser: settle here too.
            void writing.then(() => reject(new AppError('validation_failed', 400, 'The upload did not arrive whole; try again.')))
          })
          .pipe(bb)
      })
    },

    open(id, onBytes) {
      return fileInput(path(id), onBytes)
    },

    async remove(id) {
      await rm(path(id), { force: true })
    },
  }
}
