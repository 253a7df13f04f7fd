/** Atom 1.0 (RFC 4287) from plain data; every string escaped as XML text. */

export interface AtomEntry {
  id: string
  title: string
  author: { name: string; uri: string | null }
  link: string | null
  published: string
  updated: string
  /** Sanitised HTML (the comment as published), sent as escaped `type="html"` content. */
  html: string
}

export interface AtomFeed {
  id: string
  title: string
  self: string
  alternate: string | null
  updated: string
  entries: AtomEntry[]
}

// XML 1.0 allows neither these control characters nor lone surrogates, even escaped.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

export function xmlEscape(s: string): string {
  return s
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

export function renderAtom(feed: AtomFeed): string {
  const e = xmlEscape
  const entries = feed.entries.map(
    (x) => `  <entry>
    <id>${e(x.id)}</id>
    <title>${e(x.title)}</title>
    <author><name>${e(x.author.name || 'Anonymous')}</name>${x.author.uri ? `<uri>${e(x.author.uri)}</uri>` : ''}</author>
${x.link ? `    <link rel="alternate" type="text/html" href="${e(x.link)}"/>\n` : ''}    <published>${x.published}</published>
    <updated>${x.updated}</updated>
    <content type="html">${e(x.html)}</content>
  </entry>
`,
  )
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${e(feed.id)}</id>
  <title>${e(feed.title)}</title>
  <link rel="self" type="application/atom+xml" href="${e(feed.self)}"/>
${feed.alternate ? `  <link rel="alternate" type="text/html" href="${e(feed.alternate)}"/>\n` : ''}  <updated>${feed.updated}</updated>
  <generator>Parley</generator>
${entries.join('')}</feed>
`
}
