// Jest's global setup for `pnpm test`: before any test file runs, check that PostgreSQL,
// RabbitMQ and its management API are there, and stop at once with one message saying what is
// missing and how to start it (instead of a connection error in every file).
const { missingForTests } = require('./infrastructure.cjs');

/** The setup itself; `disruptive` also checks the control that stops and starts the broker. */
async function checkInfrastructure({ disruptive = false } = {}) {
  const problems = await missingForTests(process.env, { disruptive });
  if (problems.length === 0) return;
  process.stderr.write(`\nThe tests cannot run:\n\n${problems.join('\n\n')}\n\n`);
  process.exit(1);
}

module.exports = () => checkInfrastructure();
module.exports.checkInfrastructure = checkInfrastructure;
