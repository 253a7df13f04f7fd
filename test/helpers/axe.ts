import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

/**
 * Accessibility scans with axe-core (from npm, never a CDN) in a Playwright page.
 *
 *   const v = await axeScanSchemes(page, { shadowHosts: ['#parley'] })
 *   expect(formatViolations(v)).toBe('')
 *
 * The source is evaluated through the DevTools protocol, so a page's strict CSP (the desk's)
 * neither blocks it nor logs a violation. Every scan runs axe over the whole document (open
 * shadow roots included) and again scoped to each named shadow host, so a widget's shadow tree
 * is checked even where the document scan would stop at it.
 */
const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export type Scheme = 'light' | 'dark'

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  helpUrl: string
  /** `document`, or the shadow host selector the scoped scan ran on */
  scope: string
  scheme: Scheme | null
  nodes: { target: unknown[]; html: string; summary: string }[]
}

export interface AxeScanOptions {
  /** Selectors of shadow hosts to scan on their own as well (e.g. `#parley`). */
  shadowHosts?: string[]
  /** Rule ids to leave out (say why at the call site). */
  disableRules?: string[]
  /** axe tags to run; default: WCAG 2.0/2.1/2.2 A and AA plus axe's best practices. */
  tags?: string[]
}

const DEFAULT_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

async function injectAxe(page: Page): Promise<void> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object')
  if (!has) await page.evaluate(AXE_SOURCE)
}

/** One axe pass over the page as it is now (document + each shadow host). */
export async function axeScan(page: Page, opts: AxeScanOptions = {}, scheme: Scheme | null = null): Promise<AxeViolation[]> {
  await injectAxe(page)
  const scopes = ['document', ...(opts.shadowHosts ?? [])]
  const out: AxeViolation[] = []
  for (const scope of scopes) {
    const found = await page.evaluate(
      async ({ scope, tags, disable }) => {
        type Result = {
          violations: {
            id: string
            impact: string | null
            help: string
            helpUrl: string
            nodes: { target: unknown[]; html: string; failureSummary?: string }[]
          }[]
        }
        const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<Result> } }).axe
        let context: unknown = document
        if (scope !== 'document') {
          const host = document.querySelector(scope)
          if (!host) throw new Error(`axe: no element ${scope} on the page`)
          if (!host.shadowRoot) throw new Error(`axe: ${scope} has no open shadow root`)
          // Everything inside the shadow root, addressed the way axe addresses shadow trees.
          context = { include: [{ fromShadowDom: [scope, '*'] }] }
        }
        const rules = Object.fromEntries(disable.map((id) => [id, { enabled: false }]))
        const r = await axe.run(context, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] })
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary ?? '' })),
        }))
      },
      { scope, tags: opts.tags ?? DEFAULT_TAGS, disable: opts.disableRules ?? [] },
    )
    for (const v of found) out.push({ ...v, scope, scheme })
  }
  return out
}

/**
 * Scans in light and in dark (emulating `prefers-color-scheme`), so both palettes of the page
 * and of a widget on `data-theme="auto"` are checked. Leaves the page in the last scheme.
 */
export async function axeScanSchemes(
  page: Page,
  opts: AxeScanOptions & { schemes?: Scheme[] } = {},
): Promise<AxeViolation[]> {
  const out: AxeViolation[] = []
  for (const scheme of opts.schemes ?? (['light', 'dark'] as const)) {
    await page.emulateMedia({ colorScheme: scheme })
    // Let styles recompute and paint before measuring contrast.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    out.push(...(await axeScan(page, opts, scheme)))
  }
  return out
}

/** Violations as readable lines ('' when there are none), for `expect(...).toBe('')`. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`)
      return `[${v.scheme ?? '-'} · ${v.scope}] ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`
    })
    .join('\n')
}
