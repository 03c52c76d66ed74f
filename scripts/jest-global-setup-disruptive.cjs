// The global setup of jest.disruptive.config.cjs: the usual check, plus the broker's control.
const { checkInfrastructure } = require('./jest-global-setup.cjs');

module.exports = () => checkInfrastructure({ disruptive: true });
