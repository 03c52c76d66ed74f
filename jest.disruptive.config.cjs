// The broker outage drills (`*.disruptive.test.ts`: each cuts a TCP gate between its services
// and the broker, never the shared broker itself): long, so they run one at a time after the rest.
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  projects: base.projects.map((project) => ({
    ...project,
    testMatch: ['<rootDir>/test/**/*.disruptive.test.ts'],
    testPathIgnorePatterns: ['/node_modules/'],
  })),
  globalSetup: '<rootDir>/scripts/jest-global-setup.cjs',
  maxWorkers: 1,
  collectCoverage: false,
  passWithNoTests: true,
};
