import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { normaliseUri } from '../threads/uri.js'
import type { Input } from './source.js'

/**
 * A file as a stream of text (UTF-8, a BOM dropped), 256 KB at a time: never read whole.
 * `onBytes` sees the bytes read so far (for progress against the file's size).
 */
export function fileInput(path: string, onBytes?: (bytes: number) => void): Input {
  async function* chunks(): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8')
    let bytes = 0
    for await (const buf of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      bytes += (buf as Buffer).length
      onBytes?.(bytes)
      const text = decoder.decode(buf as Buffer, { stream: true })
      if (text) yield text
    }
    const rest = decoder.decode()
    if (rest) yield rest
  }
  return { chunks: chunks() }
}

/** A bad line in a --url-map file. */
export class UrlMapError extends Error {}

/** Splits one CSV line (RFC 4180 quotes allowed). */
function csvFields(line: string): string[] {
  const out: string[] = []
  let i = 0
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = ''
      i++
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"'
          i += 2
        } else if (line[i] === '"') {
          i++
          break
        } else v += line[i++]
      }
      out.push(v)
      i++ // the comma
    } else {
      const j = line.indexOf(',', i)
      out.push((j === -1 ? line.slice(i) : line.slice(i, j)).trim())
      i = j === -1 ? line.length + 1 : j + 1
    }
  }
  return out
}

/**
 * `--url-map`: a CSV of `old,new` page addresses (full URLs or paths; an `old,new` header line
 * is allowed). Both sides become thread keys under the site's rules, so they match imported links.
 */
export async function readUrlMap(path: string, keep: readonly string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>()
  let n = 0
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  for await (const raw of rl) {
    n++
    const line = raw.replace(/^\uFEFF/, '').trim()
    if (!line || line.startsWith('#')) continue
    const [from = '', to = '', ...more] = csvFields(line)
    if (n === 1 && from.toLowerCase() === 'old' && to.toLowerCase() === 'new') continue
    if (more.some((x) => x !== '')) throw new UrlMapError(`${path}: line ${n}: expected two columns, old,new`)
    const a = normaliseUri(from, keep)
    const b = normaliseUri(to, keep)
    if (a === null || b === null) throw new UrlMapError(`${path}: line ${n}: "${(a === null ? from : to).slice(0, 100)}" is not a page address`)
    map.set(a, b)
  }
  return map
}
