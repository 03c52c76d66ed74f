// `pnpm test`: every package's tests in one run, one summary; coverage reported in CI.
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
  projects: packages.map((dir) => `<rootDir>/${dir}`),
  coverageReporters: ['text-summary', 'json-summary'],
  collectCoverage: process.env.CI === 'true',
  testTimeout: 30000,
};
