// Shared jest settings for every package: TypeScript through SWC (types are checked by
// `pnpm typecheck`, not by the test run), sources of workspace libs resolved through the
// `@bazaar/source` export condition so tests never need a build first.
const ESM_ONLY = ['cookie', '@seriousme', 'kysely'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@bazaar/source', 'node', 'node-addons'] },
  transform: {
    '^.+\\.(ts|m?js)$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  // A few dependencies ship only ES modules (kysely from 0.29), which Node loads natively but
  // jest's CommonJS runtime does not: SWC compiles them too.
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${ESM_ONLY.join('|')})[@/+])`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/main.ts'],
  // collectCoverageFrom is a global option that the root config's projects do not pass on, so
  // each project also keeps its tests out of instrumentation here: an instrumented helper whose
  // function is sent to a browser (page.evaluate) would fail there on the coverage counters.
  coveragePathIgnorePatterns: ['/node_modules/', '<rootDir>/test/'],
  testTimeout: 30000,
};
