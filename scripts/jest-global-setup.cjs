// Jest's global setup for `pnpm test`: before any test file runs, check that PostgreSQL,
// RabbitMQ and its management API are there, and stop at once with one message saying what is
// missing and how to start it (instead of a connection error in every file).
const { missingForTests } = require('./infrastructure.cjs');

async function checkInfrastructure() {
  const problems = await missingForTests(process.env);
  if (problems.length === 0) return;
  process.stderr.write(`\nThe tests cannot run:\n\n${problems.join('\n\n')}\n\n`);
  process.exit(1);
}

module.exports = () => checkInfrastructure();
