// Issue 15, item 1: the widget in Spanish, French, German and Brazilian Portuguese.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { axeScanSchemes, formatViolations } from '../helpers/axe.js'
import { skipWithoutChromium } from '../helpers/browser.js'
import type { TestServer } from '../helpers/server.js'
import { freshUri, newContext, seedComment, type Publisher, startWidgetStage, stopWidgetStage } from './fixtures.js'

const SHOTS = 'test-results/screenshots'

/** What a reader sees first, per language (WordPress's own words where it has them). */
const CASES = [
  { how: { 'data-lang': 'es' }, lang: 'es', stored: 'es', follow: 'Envíame por correo electrónico los nuevos comentarios de este artículo', followBtn: 'Seguir', heading: '3 comentarios', leave: 'Deja una respuesta', post: 'Publicar el comentario', note: 'Tu dirección de correo electrónico no será publicada.', required: 'Los campos obligatorios están marcados con *', reply: 'Responder', body: 'Comentario', isRequired: 'Comentario es obligatorio', published: 'Tu comentario se ha publicado.' },
  { how: { 'data-lang': 'fr-FR' }, lang: 'fr', stored: 'fr', follow: 'M’envoyer par e-mail les nouveaux commentaires sur cet article', followBtn: 'Suivre', heading: '3 commentaires', leave: 'Laisser un commentaire', post: 'Laisser un commentaire', note: 'Votre adresse e-mail ne sera pas publiée.', required: 'Les champs obligatoires sont indiqués avec *', reply: 'Répondre', body: 'Commentaire', isRequired: 'Commentaire est obligatoire', published: 'Votre commentaire a été publié.' },
  { how: { 'data-lang': 'de' }, lang: 'de', stored: 'de', follow: 'Neue Kommentare zu diesem Artikel per E-Mail erhalten', followBtn: 'Folgen', heading: '3 Kommentare', leave: 'Schreibe einen Kommentar', post: 'Kommentar abschicken', note: 'Deine E-Mail-Adresse wird nicht veröffentlicht.', required: 'Erforderliche Felder sind mit * markiert', reply: 'Antworten', body: 'Kommentar', isRequired: 'Kommentar ist erforderlich', published: 'Dein Kommentar wurde veröffentlicht.' },
  { how: { 'data-lang': 'pt' }, lang: 'pt-BR', stored: 'pt-BR', follow: 'Receber por e-mail os novos comentários deste artigo', followBtn: 'Seguir', heading: '3 comentários', leave: 'Deixe um comentário', post: 'Publicar comentário', note: 'O seu endereço de e-mail não será publicado.', required: 'Campos obrigatórios são marcados com *', reply: 'Responder', body: 'Comentário', isRequired: 'Comentário é obrigatório', published: 'Seu comentário foi publicado.' },
] as const

const inWidget = (page: Page, css: string) => page.locator(`#parley ${css}`)

describe.skipIf(skipWithoutChromium)('the widget in the reader’s language (issue 15)', () => {
  let server: TestServer
  let browser: Browser
  let publisher: Publisher

  beforeAll(async () => {
    ;({ server, publisher, browser } = await startWidgetStage(SHOTS))
  })
  afterAll(() => stopWidgetStage({ browser, publisher, server }))
  beforeEach(async () => {
    await server.setDemoSettings({ moderationMode: 'post', floodSeconds: 0, minFillSeconds: 0, maxDepth: 5, editWindowSeconds: 900 })
  })

  for (const c of CASES) {
    it(`${c.lang}: headings, form, actions, plurals, relative times and errors in ${c.lang}; the comment remembers it for its emails`, async () => {
      const uri = freshUri(`lang-${c.lang}`)
      const first = await seedComment(server, { uri, name: 'María López', body: 'Primer comentario.' })
      await seedComment(server, { uri, name: 'Jean Dupont', body: 'Deuxième.' })
      await seedComment(server, { uri, parentId: first.id, name: 'Kurt Weber', body: 'Antwort.' })
      const context = await newContext(browser)
      const langRequests: string[] = []
      context.on('request', (r) => {
        if (r.url().includes('/embed/')) langRequests.push(new URL(r.url()).pathname)
      })
      const page = await publisher.open(context, uri, c.how)
      await inWidget(page, 'h2').getByText(c.heading, { exact: true }).waitFor()
      expect(langRequests).toHaveLength(1)
      expect(langRequests[0]).toMatch(new RegExp(`^/embed/${c.lang}\\.[0-9a-f]{12}\\.json$`))
      await expect(inWidget(page, '#reply-title > span').textContent()).resolves.toBe(c.leave)
      await expect(inWidget(page, '#respond button[type=submit]').textContent()).resolves.toBe(c.post)
      await expect(inWidget(page, '#email-notes').textContent()).resolves.toBe(c.note)
      await expect(inWidget(page, '.note').textContent()).resolves.toContain(c.required)
      await expect(inWidget(page, 'label[for=pf-body]').textContent()).resolves.toBe(`${c.body} *`)
      // "Email me new comments on this article" (issue 15, item 6), in the language too.
      await expect(page.getByRole('textbox', { name: c.follow, exact: true }).count()).resolves.toBe(1)
      await expect(inWidget(page, 'form.follow button').textContent()).resolves.toBe(c.followBtn)
      await expect(inWidget(page, `#comment-${first.id} .acts button:not(.vote)`).first().textContent()).resolves.toBe(c.reply)
      // The widget says which language it speaks (screen readers pronounce it right).
      await expect(inWidget(page, '[lang]').first().getAttribute('lang')).resolves.toBe(c.lang)
      // Relative time and the exact date in the reader's language, not English.
      const time = inWidget(page, 'time').first()
      await expect(time.textContent()).resolves.not.toBe('just now')
      await expect(time.getAttribute('title')).resolves.not.toMatch(/January|February|March|April|May|June|July|August|September|October|November|December/)
      await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-lang-${c.lang}.png` })

      // A field error, then a comment posted: both in the language; the stored comment keeps it.
      await inWidget(page, '#respond button[type=submit]').click()
      await inWidget(page, '#pf-body-err').getByText(c.isRequired).waitFor()
      await inWidget(page, '#pf-body').fill('Un comentario desde la página.')
      await inWidget(page, '#pf-name').fill(`Lector ${c.lang}`)
      await inWidget(page, '#pf-email').fill(`lector-${c.lang}@example.org`)
      await inWidget(page, '#respond button[type=submit]').click()
      await inWidget(page, '#respond [role=status]').getByText(c.published).waitFor()
      await inWidget(page, 'h2').getByText(c.heading.replace('3', '4'), { exact: true }).waitFor()
      const row = await server.deps.db.selectFrom('comments').select('lang').where('author_name', '=', `Lector ${c.lang}`).executeTakeFirstOrThrow()
      expect(row.lang).toBe(c.stored)
      await context.close()
    })
  }

  it('takes <html lang> when there is no data-lang (es-MX → Spanish), is axe-clean light and dark, and fits 375 px', async () => {
    const uri = freshUri('lang-html')
    await seedComment(server, { uri, name: 'Lucía Hernández', body: 'La situación en México es compleja.' })
    const context = await newContext(browser, { viewport: { width: 375, height: 800 } })
    const html = `<!doctype html><html lang="es-MX"><head><meta charset="utf-8"><title>Artículo</title></head>
<body><main><h1>Operaciones contra los cárteles en México</h1><p>Texto.</p>
<div id="parley" data-site="demo" data-uri="${uri}" data-theme="auto"></div></main>
<script src="${server.url}/embed.js" async></script></body></html>`
    const page = await publisher.open(context, uri, {}, html)
    await inWidget(page, 'h2').getByText('1 comentario', { exact: true }).waitFor()
    await expect(inWidget(page, '#reply-title > span').textContent()).resolves.toBe('Deja una respuesta')
    expect(formatViolations(await axeScanSchemes(page, { shadowHosts: ['#parley'] }))).toBe('')
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-lang-es-375-dark.png` })
    await page.emulateMedia({ colorScheme: 'light' })
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0)
    // Keyboard only: Tab reaches the Reply button, named in Spanish.
    let label = ''
    for (let i = 0; i < 10 && !label.startsWith('Responder a'); i++) {
      await page.keyboard.press('Tab')
      label = await page.evaluate(() => {
        let el = document.activeElement
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
        return el?.getAttribute('aria-label') ?? ''
      })
    }
    expect(label).toBe('Responder a Lucía Hernández')
    await page.keyboard.press('Enter')
    await expect(inWidget(page, '#reply-title > span').textContent()).resolves.toBe('Responder a Lucía Hernández')
    await page.locator('#parley').screenshot({ path: `${SHOTS}/widget-lang-es-375-keyboard.png` })
    await context.close()
  })

  it('English needs no language file; an unknown language is English too', async () => {
    for (const attrs of [{}, { 'data-lang': 'ja' }] as Record<string, string>[]) {
      const uri = freshUri('lang-en')
      const context = await newContext(browser)
      const langRequests: string[] = []
      context.on('request', (r) => {
        if (r.url().includes('/embed/')) langRequests.push(r.url())
      })
      const page = await publisher.open(context, uri, attrs)
      await inWidget(page, 'h2').getByText('No comments yet', { exact: true }).waitFor()
      await expect(inWidget(page, '#reply-title > span').textContent()).resolves.toBe('Leave a Reply')
      expect(langRequests).toEqual([])
      await context.close()
    }
  })

  it('when the language file cannot be had, the thread still shows, in English', async () => {
    const uri = freshUri('lang-down')
    await seedComment(server, { uri, name: 'Still Here' })
    const context = await newContext(browser)
    await context.route(`${server.url}/embed/**`, (route) => route.abort('connectionrefused'))
    const page = await publisher.open(context, uri, { 'data-lang': 'de' })
    await inWidget(page, 'h2').getByText('1 Comment', { exact: true }).waitFor()
    await context.close()
  })
})
