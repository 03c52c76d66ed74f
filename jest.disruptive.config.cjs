// The tests that stop and start the shared RabbitMQ on purpose: run alone, after the rest.
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  projects: base.projects.map((project) => ({
    ...project,
    testMatch: ['<rootDir>/test/**/*.disruptive.test.ts'],
    testPathIgnorePatterns: ['/node_modules/'],
  })),
  globalSetup: '<rootDir>/scripts/jest-global-setup-disruptive.cjs',
  maxWorkers: 1,
  collectCoverage: false,
  passWithNoTests: true,
};
