/**
 * Tests that need something outside Node (PostgreSQL, Chromium) skip on a developer's machine
 * without it, with a one-line notice, and never in CI: with CI=true a missing requirement is not
 * skipped, so the test runs and fails saying what is missing. `.ci/run` exports CI=true.
 *
 * The one deliberate exception is the CI pass that runs the suite on embedded PGlite after the
 * PostgreSQL pass: it sets PARLEY_TEST_DB=pglite, and PostgreSQL-only tests skip there (they
 * already ran, and had to pass, in the PostgreSQL pass).
 */
export const inCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase())

export const onPostgres = Boolean(process.env.DATABASE_URL)

const pgliteOnPurpose = process.env.PARLEY_TEST_DB === 'pglite'

/** For `it.skipIf(...)`/`describe.skipIf(...)` on a PostgreSQL-only test. */
export function skipWithoutPostgres(what: string): boolean {
  if (onPostgres) return false
  if (inCI && !pgliteOnPurpose) return false
  if (!inCI) console.log(`[parley tests] skipped on PGlite (set DATABASE_URL to run it): ${what}`)
  return true
}

/** First line of a PostgreSQL-only test: fails (in CI) with a clear message when there is none. */
export function requirePostgres(what: string): string {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error(`${what} needs PostgreSQL: set DATABASE_URL (CI must run it; it never skips there)`)
  return url
}
