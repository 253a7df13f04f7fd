import { chromiumNotice } from './browser.js'

/** Global setup: says once, in one line, why the browser tests are skipped (or, in CI, will fail). */
export default function notice() {
  const line = chromiumNotice()
  if (line) console.log(line)
}
