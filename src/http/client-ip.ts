/**
 * Which address is the client's. Without a proxy it is the socket's peer; behind proxies
 * the operator trusts, it is the right-most `X-Forwarded-For` entry that a trusted proxy
 * added — never the left-most, which the client writes itself (Express's `trust proxy`).
 * Runtime-free: the Node entry passes the socket address in.
 */

/** `false`: the socket only; a number: that many proxy hops; a list: proxy addresses/CIDRs. */
export type TrustProxy = false | number | string[]

/** Named ranges, as Express's `trust proxy` accepts them. */
const PRESETS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/**
 * Parses TRUST_PROXY: `false`/`0`/`off` (default), `true`/`1` (one hop: the proxy in front),
 * `N` (hops), or a comma list of addresses, CIDRs and `loopback`/`linklocal`/`uniquelocal`.
 * Throws an Error whose message completes "TRUST_PROXY …".
 */
export function parseTrustProxy(raw: string): TrustProxy {
  const v = raw.trim().toLowerCase()
  if (['', 'false', 'no', 'off', '0'].includes(v)) return false
  if (['true', 'yes', 'on'].includes(v)) return 1
  if (/^\d+$/.test(v)) {
    const n = Number(v)
    if (n > 100) throw new Error('must be at most 100 hops')
    return n
  }
  const list = v.split(',').map((s) => s.trim()).filter(Boolean)
  if (list.length === 0) throw new Error('must be false, true, a number of hops, or proxy addresses/CIDRs')
  for (const entry of list) {
    if (!PRESETS[entry] && !parseCidr(entry))
      throw new Error(`must be false, true, a number of hops, or proxy addresses/CIDRs ("${entry}" is none of these)`)
  }
  return list
}

interface Range {
  bytes: Uint8Array
  prefix: number
}

/** An IPv4 or IPv6 address as 4 or 16 bytes; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4. */
export function parseIp(input: string): Uint8Array | null {
  const s = input.trim()
  const v4 = parseIpv4(s)
  if (v4) return v4
  if (!s.includes(':') || s.length > 45) return null
  const v6 = parseIpv6(s)
  if (!v6) return null
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff
  return mapped ? v6.slice(12) : v6
}

function parseIpv4(s: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return null
  const parts = m.slice(1).map(Number)
  return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : null
}

function parseIpv6(s: string): Uint8Array | null {
  let text = s.replace(/%[0-9a-z._~-]+$/i, '') // a zone id (fe80::1%eth0) names an interface, not a host
  let tail: Uint8Array | null = null
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(text.slice(lastColon + 1))
    if (!tail) return null
    text = text.slice(0, lastColon + 1) + '0:0'
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (h: string) => (h === '' ? [] : h.split(':'))
  const head = groups(halves[0]!)
  const rest = halves.length === 2 ? groups(halves[1]!) : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest]
  const out = new Uint8Array(16)
  for (const [i, g] of all.entries()) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null
    const n = parseInt(g, 16)
    out[i * 2] = n >> 8
    out[i * 2 + 1] = n & 0xff
  }
  if (tail) out.set(tail, 12)
  return out
}

function parseCidr(entry: string): Range | null {
  const [addr, bits, extra] = entry.split('/')
  if (extra !== undefined || !addr) return null
  const bytes = parseIp(addr)
  if (!bytes) return null
  const max = bytes.length * 8
  // A mapped IPv6 prefix (::ffff:10.0.0.0/104) counts in IPv4 bits once the address is IPv4.
  let prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN
  if (bytes.length === 4 && addr.includes(':') && bits !== undefined) prefix -= 96
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null
  return { bytes, prefix }
}

function inRange(ip: Uint8Array, r: Range): boolean {
  if (ip.length !== r.bytes.length) return false
  for (let bit = 0; bit < r.prefix; bit += 8) {
    const take = Math.min(8, r.prefix - bit)
    const mask = (0xff << (8 - take)) & 0xff
    if ((ip[bit / 8]! & mask) !== (r.bytes[bit / 8]! & mask)) return false
  }
  return true
}

/** `(address, hopIndex) => trusted?` — hop 0 is the socket peer, 1 the right-most header entry, … */
export type TrustFn = (address: string, hop: number) => boolean

export function compileTrust(trust: TrustProxy): TrustFn {
  if (trust === false) return () => false
  if (typeof trust === 'number') return (_a, hop) => hop < trust
  const ranges = trust.flatMap((e) => PRESETS[e] ?? [e]).map((e) => parseCidr(e)!)
  return (address) => {
    const ip = parseIp(address)
    return ip !== null && ranges.some((r) => inRange(ip, r))
  }
}

/** `::ffff:192.0.2.1` → `192.0.2.1`: one client, one address, one key. */
export function normaliseIp(address: string): string {
  const m = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(address)
  return m ? m[1]! : address
}

/**
 * The client address: walk from the socket peer leftwards through `X-Forwarded-For`,
 * skipping trusted proxies; the first address not trusted is the client (the left-most
 * one when every hop is trusted). No socket address: unknown.
 */
export function clientIpFrom(socket: string | null | undefined, forwardedFor: string | null | undefined, trust: TrustFn): string | null {
  if (!socket) return null
  const hops = [socket]
  if (forwardedFor) {
    const entries = forwardedFor.split(',')
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!.trim()
      if (e) hops.push(e)
    }
  }
  for (let i = 0; i < hops.length - 1; i++) {
    if (!trust(hops[i]!, i)) return normaliseIp(hops[i]!)
  }
  return normaliseIp(hops[hops.length - 1]!)
}

/** 127.0.0.0/8 and ::1 (also IPv4-mapped). */
export function isLoopback(address: string | null | undefined): boolean {
  if (!address) return false
  const ip = parseIp(address)
  if (!ip) return false
  if (ip.length === 4) return ip[0] === 127
  return ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1
}
