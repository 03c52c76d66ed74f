// Each test file starts its own six service processes, databases and broker namespace.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e',
  collectCoverageFrom: [],
};
