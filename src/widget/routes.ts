import { Hono, type Context } from 'hono'
import { EMBED_HASH, EMBED_JS } from './dist/bundle.js'

const ETAG = `"${EMBED_HASH}"`
/** The content-addressed URL of the current bundle (for pages that pin a version). */
export const EMBED_VERSIONED_PATH = `/embed.${EMBED_HASH}.js`

function script(c: Context, cacheControl: string) {
  c.header('Content-Type', 'text/javascript; charset=utf-8')
  c.header('Cache-Control', cacheControl)
  c.header('ETag', ETAG)
  c.header('X-Content-Type-Options', 'nosniff')
  // Publishers load it from their own pages, possibly with crossorigin + integrity.
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
  const inm = c.req.header('if-none-match')
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === ETAG)) return c.body(null, 304)
  return c.body(EMBED_JS)
}

/** `/embed.js` (the stable URL publishers paste: short cache, revalidated by ETag) and `/embed.<hash>.js` (immutable). */
export const widgetRoutes = new Hono()
  .get('/embed.js', (c) => script(c, 'public, max-age=300, stale-while-revalidate=86400'))
  .get('/:file{embed\\.[0-9a-f]{6,64}\\.js}', (c) => {
    if (c.req.param('file') !== EMBED_VERSIONED_PATH.slice(1)) return c.notFound()
    return script(c, 'public, max-age=31536000, immutable')
  })
