import { hasChromium, SKIP_NOTICE } from './browser.js'

/** Global setup: says once, in one line, why the browser tests are skipped and how to run them. */
export default function notice() {
  if (!hasChromium) console.log(SKIP_NOTICE)
}
