/**
 * Text with its HTML tags removed, as WordPress's `wp_strip_all_tags` (script and style
 * elements with their content, then every tag), in one linear pass: the key rules match on it.
 */
export function stripTags(text: string): string {
  let out = ''
  let i = 0
  // Where each element's closing tag was last found (-1: none after that point), so many
  // unclosed <script> tags do not rescan the text.
  const closes: Record<string, number> = {}
  for (;;) {
    const lt = text.indexOf('<', i)
    if (lt === -1) break
    const next = text.charCodeAt(lt + 1)
    // A tag starts with a letter, "/", "!" or "?"; "a < b" is text.
    const isTag = (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 47 || next === 33 || next === 63
    const gt = isTag ? text.indexOf('>', lt) : -1
    if (gt === -1) {
      if (isTag) break // no tag closes after this one: the rest is text
      out += text.slice(i, lt + 1)
      i = lt + 1
      continue
    }
    out += text.slice(i, lt)
    const name = /^<(script|style)\b/i.exec(text.slice(lt, lt + 8))?.[1]
    if (name) {
      const key = name.toLowerCase()
      let close = closes[key]
      if (close === undefined || (close !== -1 && close < gt)) {
        const re = key === 'script' ? /<\/script/gi : /<\/style/gi
        re.lastIndex = gt
        close = closes[key] = re.exec(text)?.index ?? -1
      }
      const end = close === -1 ? -1 : text.indexOf('>', close)
      i = end === -1 ? gt + 1 : end + 1
    } else i = gt + 1
  }
  return out + text.slice(i)
}
