/** Reads Server-Sent Events from a streaming Response (tests): waits, with a deadline, for what a test expects. */
export interface SseEvent {
  event: string
  id: string | null
  data: string
}

export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly decoder = new TextDecoder()
  private buffer = ''
  /** Everything received, as text (for privacy scans). */
  raw = ''
  readonly events: SseEvent[] = []
  private pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null

  constructor(res: Response) {
    this.reader = res.body!.getReader()
  }

  private parse() {
    let i: number
    while ((i = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, i)
      this.buffer = this.buffer.slice(i + 2)
      const e: SseEvent = { event: 'message', id: null, data: '' }
      let hasField = false
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue
        const [k, ...rest] = line.split(':')
        const v = rest.join(':').replace(/^ /, '')
        if (k === 'event') e.event = v
        else if (k === 'id') e.id = v
        else if (k === 'data') e.data = e.data ? `${e.data}\n${v}` : v
        else continue
        hasField = true
      }
      if (hasField) this.events.push(e)
    }
  }

  /** Waits until an event matches (checking those already received first), or throws at the deadline. */
  async waitFor(match: (e: SseEvent) => boolean, timeoutMs = 20_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.find(match)
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`)
      this.pending ??= this.reader.read()
      const r = await Promise.race([this.pending, new Promise<null>((res) => setTimeout(() => res(null), Math.min(left, 500)))])
      if (r === null) continue
      this.pending = null
      if (r.done) throw new Error('the stream ended')
      const text = this.decoder.decode(r.value, { stream: true })
      this.raw += text
      this.buffer += text
      this.parse()
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {})
  }
}
