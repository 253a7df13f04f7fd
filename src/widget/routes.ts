import { Hono, type Context } from 'hono'
import { EMBED_HASH, EMBED_JS } from './dist/bundle.js'
import { LANGS } from './dist/langs.js'

const ETAG = `"${EMBED_HASH}"`
/** The content-addressed URL of the current bundle (for pages that pin a version). */
export const EMBED_VERSIONED_PATH = `/embed.${EMBED_HASH}.js`

function script(c: Context, cacheControl: string) {
  return asset(c, 'text/javascript; charset=utf-8', cacheControl, ETAG, EMBED_JS)
}

function asset(c: Context, type: string, cacheControl: string, etag: string, body: string) {
  c.header('Content-Type', type)
  c.header('Cache-Control', cacheControl)
  c.header('ETag', etag)
  c.header('X-Content-Type-Options', 'nosniff')
  // Publishers load it from their own pages, possibly with crossorigin + integrity.
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
  const inm = c.req.header('if-none-match')
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return c.body(null, 304)
  return c.body(body)
}

/** `/embed.js` (the stable URL publishers paste: short cache, revalidated by ETag) and `/embed.<hash>.js` (immutable). */
export const widgetRoutes = new Hono()
  .get('/embed.js', (c) => script(c, 'public, max-age=300, stale-while-revalidate=86400'))
  .get('/:file{embed\\.[0-9a-f]{6,64}\\.js}', (c) => {
    if (c.req.param('file') !== EMBED_VERSIONED_PATH.slice(1)) return c.notFound()
    return script(c, 'public, max-age=31536000, immutable')
  })
  // The widget's languages other than English (src/widget/lang): `/embed/es.<hash>.json`, as the
  // bundle names it (immutable), and `/embed/es.json` for people and tools (short cache).
  .get('/embed/:file{[A-Za-z-]{2,8}(\\.[0-9a-f]{12})?\\.json}', (c) => {
    const [tag, hash] = c.req.param('file').slice(0, -5).split('.')
    const lang = Object.hasOwn(LANGS, tag!) ? LANGS[tag!] : undefined
    if (!lang || (hash !== undefined && hash !== lang.hash)) return c.notFound()
    const cache = hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300, stale-while-revalidate=86400'
    return asset(c, 'application/json; charset=utf-8', cache, `"${lang.hash}"`, lang.json)
  })
