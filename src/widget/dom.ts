type Attr = string | number | boolean | null | undefined | ((e: Event) => void)
export type Child = Node | string | null | undefined | false

/**
 * Builds an element. Strings become text nodes, never markup: the only HTML the widget ever
 * parses is a comment's `html`, which the server has sanitised.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, Attr> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (v === true) el.setAttribute(k, '')
    else if (v !== false && v != null) el.setAttribute(k, String(v))
  }
  append(el, children)
  return el
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c)
}

export const text = (el: Element, s: string) => {
  el.textContent = s
}
