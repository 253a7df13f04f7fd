import { describe, expect, it } from 'vitest'
import { pickLang } from '../../src/widget/text.js'

const FILES = { de: 'x', es: 'x', fr: 'x', 'pt-BR': 'x' }

describe('the widget picks its language (issue 15)', () => {
  it('takes the exact file, else the primary language, else one of that language, else English', () => {
    expect(pickLang('es', FILES)).toBe('es')
    expect(pickLang('es-MX', FILES)).toBe('es')
    expect(pickLang('ES_mx', FILES)).toBe('es')
    expect(pickLang('pt-BR', FILES)).toBe('pt-BR')
    expect(pickLang('pt-br', FILES)).toBe('pt-BR')
    expect(pickLang('pt', FILES)).toBe('pt-BR')
    expect(pickLang('pt-PT', FILES)).toBe('pt-BR')
    expect(pickLang('fr-CA', FILES)).toBe('fr')
    expect(pickLang('de-AT', FILES)).toBe('de')
    expect(pickLang('en-GB', FILES)).toBe('en')
    expect(pickLang('ja', FILES)).toBe('en')
    expect(pickLang('', FILES)).toBe('en')
    expect(pickLang(null, FILES)).toBe('en')
  })
})
