// @ts-check
/**
 * Mutation testing (`npm run test:mutation`): StrykerJS changes one rule at a time in the
 * modules that protect people and runs the tests that cover it (vitest.mutation.config.ts,
 * on PGlite). A mutant that no test notices is a hole in the suite; docs/mutation.md lists the
 * survivors judged equivalent (no behaviour to test). Reports: reports/mutation/ (not committed).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
// On PostgreSQL when DATABASE_URL is set (each test file makes a schema: about a second), else on
// embedded PGlite (each test file starts a WASM database: several times slower on this machine).
// The test runners inherit the environment.
if (!process.env.DATABASE_URL) process.env.PARLEY_TEST_DB = 'pglite'
// On PostgreSQL: one migrated schema per Vitest, emptied for each test file (test/helpers/db.ts).
process.env.PARLEY_TEST_ONE_SCHEMA = '1'

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/moderation/pipeline.ts',
    'src/moderation/transitions.ts',
    'src/comments/comment.mapper.ts',
    'src/http/cors.ts',
    'src/notifications/tokens.ts',
    'src/notifications/outbox.ts',
    'src/auth/session.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: the transition table, token lifetimes, retry backoff,
  // cookie name…) would each rerun every test file: most of the run's time on this machine. They
  // are left out of the score; docs/mutation.md names the tests that pin those constants.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  // The first run of every test (to learn which test covers which mutant) takes minutes on a busy machine.
  dryRunTimeoutMinutes: 30,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
  ignorePatterns: ['data', 'test-results', 'reports', '.wrangler', 'coverage', 'bench'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
}
