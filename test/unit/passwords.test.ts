import { describe, expect, it } from 'vitest'
import { nodePasswordHasher } from '../../src/auth/passwords.node.js'
import { CHEAP_ARGON2, parsePhc, portablePasswordHasher } from '../../src/auth/passwords.js'

const node = nodePasswordHasher(CHEAP_ARGON2)
const portable = portablePasswordHasher(CHEAP_ARGON2)

describe('password hashing', () => {
  it('makes argon2id PHC strings with the configured parameters', async () => {
    for (const h of [node, portable]) {
      const phc = await h.hash('correct horse battery staple')
      expect(phc).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/)
      expect(parsePhc(phc)?.hash.length).toBe(32)
    }
  })

  it('verifies a native hash with the portable verifier (the Workers build)', async () => {
    const phc = await node.hash('pässword one')
    expect(await portable.verify(phc, 'pässword one')).toBe(true)
    expect(await portable.verify(phc, 'pässword two')).toBe(false)
  })

  it('verifies a portable hash with the native verifier', async () => {
    const phc = await portable.hash('s3cret-phrase')
    expect(await node.verify(phc, 's3cret-phrase')).toBe(true)
    expect(await node.verify(phc, 's3cret-phrasE')).toBe(false)
  })

  it('verifies hashes made with the default (production) parameters on both', async () => {
    const phc = await nodePasswordHasher().hash('default params')
    expect(phc).toContain('$m=19456,t=2,p=1$')
    expect(await portablePasswordHasher().verify(phc, 'default params')).toBe(true)
  })

  it('answers false, never throws, for garbage and for hostile parameters', async () => {
    for (const h of [node, portable]) {
      expect(await h.verify('', 'x')).toBe(false)
      expect(await h.verify('$2b$10$abcdefghijklmnopqrstuv', 'x')).toBe(false)
      expect(await h.verify('$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo', 'x')).toBe(false)
    }
  })
})
