import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Unit files first: most mutants die there in milliseconds, and Stryker stops at the first failure. */
class UnitFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => (f.moduleId.includes('/test/unit/') ? 0 : f.moduleId.includes('/test/mutation/') ? 1 : 2)
    return [...(await super.sort(files))].sort((a, b) => rank(a) - rank(b))
  }
}

/**
 * The tests `npm run test:mutation` (StrykerJS, stryker.config.mjs) runs against each mutant:
 * the unit tests and test/mutation/ (fast integration files for cors.ts, session.ts and
 * outbox.ts, on embedded PGlite: each file loads the migrated snapshot global setup made).
 * The big integration files are left out: every request covers the session and CORS
 * middleware, so each of those mutants would rerun them all. Kept small so a full mutation
 * run stays under 20 minutes on a 2-core machine.
 */
export default defineConfig({
  test: {
    // MUTATION_TESTS=a.test.ts,b.test.ts narrows the set while working on one module.
    include: process.env.MUTATION_TESTS
      ? process.env.MUTATION_TESTS.split(',')
      : [
          // pipeline.ts, transitions.ts, comment.mapper.ts, tokens.ts: pure, unit tests.
          'test/unit/**/*.test.ts',
          // cors.ts, session.ts, outbox.ts: through the real app on PGlite, one database per file,
          // no slow setup (sessions without argon2, no SMTP server). Also part of `npm test`.
          'test/mutation/**/*.test.ts',
        ],
    globalSetup: ['test/helpers/global-setup.ts'],
    sequence: { sequencer: UnitFirst },
    // One file at a time (Stryker runs them so anyway): on PostgreSQL they share one schema.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
