// `pnpm test`: every package's tests in one run, one summary; coverage reported in CI.
//
// The broker outage drills are named `*.disruptive.test.ts` (each cuts a TCP gate between its
// own services and the broker; the shared broker keeps running); long, they run after
// everything else, one at a time, from `jest.disruptive.config.cjs`.
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const packages = ['libs', 'services', 'tests']
  .flatMap((dir) =>
    existsSync(join(__dirname, dir))
      ? readdirSync(join(__dirname, dir)).map((name) => join(dir, name))
      : [],
  )
  .concat(['bench'])
  .filter((dir) => existsSync(join(__dirname, dir, 'jest.config.cjs')));

/** @type {import('jest').Config} */
module.exports = {
  projects: packages.map((dir) => ({
    ...require(`./${dir}/jest.config.cjs`),
    rootDir: `<rootDir>/${dir}`,
    testPathIgnorePatterns: ['/node_modules/', '\\.disruptive\\.test\\.ts$'],
  })),
  // Postgres, RabbitMQ and its management API checked once, with one message when one is missing.
  globalSetup: '<rootDir>/scripts/jest-global-setup.cjs',
  coverageReporters: ['text-summary', 'json-summary'],
  collectCoverage: process.env.CI === 'true',
  testTimeout: 30000,
  // Most tests wait on Postgres, RabbitMQ and child processes rather than the CPU.
  maxWorkers: 3,
};
