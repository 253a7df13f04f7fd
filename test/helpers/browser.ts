import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { inCI } from './require.js'

// Every browser test launches Chromium through here: CHROMIUM_PATH names the binary
// (default Debian's /usr/bin/chromium; CHROMIUM_PATH=/nowhere tries the skip path).
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
/** Browser tests skip without Chromium on a developer's machine; in CI (CI=true) they run and fail. */
export const skipWithoutChromium = !hasChromium && !inCI

/** One line for global setup: why the browser tests skip (or, in CI, will fail); null when Chromium is there. */
export function chromiumNotice(): string | null {
  if (hasChromium) return null
  return skipWithoutChromium
    ? `[parley tests] browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH; then npm run test:e2e)`
    : `[parley tests] CI=true and no Chromium at ${CHROMIUM}: the browser tests will fail (install it, or set CHROMIUM_PATH)`
}

/** Debian's Chromium through playwright-core; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
