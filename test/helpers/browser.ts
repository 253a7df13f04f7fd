import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

// CHROMIUM_PATH only exists to try the skip path (CHROMIUM_PATH=/nowhere npm run test:e2e).
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
export const SKIP_NOTICE = `[parley tests] browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium, then npm run test:e2e)`

/** Debian's Chromium through playwright-core; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
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
