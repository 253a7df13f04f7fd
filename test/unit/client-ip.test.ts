import { describe, expect, it } from 'vitest'
import { clientIpFrom, compileTrust, isLoopback, parseIp, parseTrustProxy } from '../../src/http/client-ip.js'
import { ConfigError, loadConfig } from '../../src/config.js'

const ip = (socket: string | null, xff: string | undefined, trust: string) =>
  clientIpFrom(socket, xff, compileTrust(parseTrustProxy(trust)))

describe('TRUST_PROXY parsing', () => {
  it('reads off, on (one hop), hop counts and address lists', () => {
    for (const v of ['false', '0', 'off', 'no', '']) expect(parseTrustProxy(v)).toBe(false)
    for (const v of ['true', '1', 'on', 'yes']) expect(parseTrustProxy(v)).toBe(1)
    expect(parseTrustProxy('3')).toBe(3)
    expect(parseTrustProxy('10.0.0.0/8, ::1,loopback')).toEqual(['10.0.0.0/8', '::1', 'loopback'])
  })

  it('stops the server with one line naming TRUST_PROXY on a bad value, and defaults to off', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    for (const bad of ['10.0.0.0/33', 'proxy.example', '1.2.3', '::1/129', 'fe80::1::2', '999']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(ConfigError)
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/^Invalid configuration: TRUST_PROXY /)
    }
  })
})

describe('the client address', () => {
  it('is the socket address when TRUST_PROXY is off, whatever X-Forwarded-For says', () => {
    expect(ip('203.0.113.9', '127.0.0.1', 'false')).toBe('203.0.113.9')
    expect(ip('::ffff:203.0.113.9', '1.1.1.1, 2.2.2.2', 'false')).toBe('203.0.113.9')
    expect(ip(null, '1.1.1.1', 'true')).toBeNull()
  })

  it('with one hop is the right-most entry: the one the proxy added, not the ones the client wrote', () => {
    expect(ip('10.0.0.2', '6.6.6.6, 198.51.100.7', 'true')).toBe('198.51.100.7')
    expect(ip('10.0.0.2', '198.51.100.7', '1')).toBe('198.51.100.7')
    // No header (a request straight to the server): the socket.
    expect(ip('10.0.0.2', undefined, '1')).toBe('10.0.0.2')
    expect(ip('10.0.0.2', ' , ', '1')).toBe('10.0.0.2')
  })

  it('with N hops skips N addresses from the right, and takes the left-most when there are fewer', () => {
    expect(ip('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.9', '2')).toBe('198.51.100.7')
    expect(ip('10.0.0.2', '198.51.100.7', '5')).toBe('198.51.100.7')
  })

  it('with a proxy list walks from the right, skipping trusted addresses (IPv4 and IPv6)', () => {
    const list = '10.0.0.0/8,::1,2001:db8::/32'
    expect(ip('10.1.2.3', '6.6.6.6, 198.51.100.7, 10.9.9.9', list)).toBe('198.51.100.7')
    expect(ip('::1', '6.6.6.6, 2001:db8::5, 2001:db8:0:1::7', list)).toBe('6.6.6.6')
    expect(ip('::ffff:10.1.2.3', '198.51.100.7', list)).toBe('198.51.100.7')
    // A socket peer that is not a trusted proxy: its header is the client's own writing.
    expect(ip('203.0.113.9', '10.0.0.1', list)).toBe('203.0.113.9')
    // Every hop trusted: the left-most.
    expect(ip('10.0.0.1', '10.0.0.2, 10.0.0.3', list)).toBe('10.0.0.2')
    expect(ip('127.0.0.1', '198.51.100.7', 'loopback')).toBe('198.51.100.7')
    expect(ip('192.168.1.1', '198.51.100.7', 'uniquelocal')).toBe('198.51.100.7')
  })

  it('parses addresses strictly', () => {
    expect(parseIp('2001:db8::1')).toHaveLength(16)
    expect(parseIp('::ffff:192.0.2.1')).toEqual(Uint8Array.from([192, 0, 2, 1]))
    for (const bad of ['256.1.1.1', '1.2.3.4.5', '::g', '1:2:3:4:5:6:7:8:9', 'x', '']) expect(parseIp(bad), bad).toBeNull()
  })

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopback(a), a).toBe(true)
    for (const a of ['10.0.0.1', '::', '::2', '128.0.0.1', 'localhost', '', null, undefined]) expect(isLoopback(a), String(a)).toBe(false)
  })
})
