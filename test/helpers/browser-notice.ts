import { CI_NOTICE, hasChromium, SKIP_NOTICE, skipWithoutChromium } from './browser.js'

/** Global setup: says once, in one line, why the browser tests are skipped (or, in CI, will fail). */
export default function notice() {
  if (skipWithoutChromium) console.log(SKIP_NOTICE)
  else if (!hasChromium) console.log(CI_NOTICE)
}
