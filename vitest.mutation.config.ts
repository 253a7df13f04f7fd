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
 * the unit tests and the few integration files that cover the mutated modules, on embedded
 * PGlite (each file loads the migrated snapshot global setup made). Kept small so a full
 * mutation run stays under 20 minutes on a 2-core machine.
 */
export default defineConfig({
  test: {
    // MUTATION_TESTS=a.test.ts,b.test.ts narrows the set while working on one module.
    include: process.env.MUTATION_TESTS ? process.env.MUTATION_TESTS.split(',') : [
      'test/unit/**/*.test.ts',
      'test/mutation/**/*.test.ts',
      // src/http/cors.ts
      'test/integration/cors.test.ts',
      // src/notifications/outbox.ts (tokens.ts, pipeline.ts, transitions.ts and comment.mapper.ts: unit tests)
      'test/integration/outbox.test.ts',
      // src/auth/session.ts
      'test/integration/mod-auth.test.ts',
    ],
    globalSetup: ['test/helpers/global-setup.ts'],
    sequence: { sequencer: UnitFirst },
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
