// What Bazaar needs running beside it, checked in one place: `pnpm start` (scripts/start.mjs)
// and `pnpm test` (scripts/jest-global-setup.cjs) both say, in the same words, which of
// PostgreSQL and RabbitMQ is missing and how to start it. CommonJS so that jest's global setup
// and the ES module start.mjs can both load it as it is.
const { connect } = require('node:net');

const COMPOSE = 'docker compose -f deploy/compose.yaml up -d postgres rabbitmq jaeger';

/** Resolves true when a TCP connection to the URL's host and port opens within 2 s. */
function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** The URL with its password masked, for messages. */
function safe(url) {
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}

function postgresMissing(url) {
  return (
    `PostgreSQL is not reachable at ${safe(url)}.\n` +
    `  Start it locally:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
    `  or with Docker:    ${COMPOSE}`
  );
}

function rabbitmqMissing(url) {
  return (
    `RabbitMQ is not reachable at ${safe(url)}.\n` +
    `  Start it locally:  rabbitmq-server -detached\n` +
    `  or with Docker:    ${COMPOSE}`
  );
}

/**
 * The management API of the broker the tests use: `RABBITMQ_MANAGEMENT_URL`, else port 15672 on
 * the host of `amqpUrl`, with its credentials. (The same rule as `testManagementUrl()` of
 * `@bazaar/messaging/testing`.)
 */
function managementUrl(amqpUrl, env = process.env) {
  if (env.RABBITMQ_MANAGEMENT_URL) return env.RABBITMQ_MANAGEMENT_URL;
  const amqp = new URL(amqpUrl);
  const url = new URL(`http://${amqp.hostname}:15672/`);
  url.username = amqp.username || 'guest';
  url.password = amqp.password || 'guest';
  return url.toString();
}

/** Resolves with a problem (a message) when the management API does not answer, else null. */
async function managementProblem(url) {
  const api = new URL(url);
  const auth = Buffer.from(
    `${decodeURIComponent(api.username || 'guest')}:${decodeURIComponent(api.password || 'guest')}`,
  ).toString('base64');
  api.username = '';
  api.password = '';
  let reason;
  try {
    const response = await fetch(new URL('/api/overview', api), {
      headers: { authorization: `Basic ${auth}` },
      signal: AbortSignal.timeout(3000),
    });
    if (response.ok) return null;
    reason = `it answered ${response.status}`;
  } catch (error) {
    reason = error.cause?.code ?? error.message;
  }
  return (
    `RabbitMQ's management API is not reachable at ${safe(url)} (${reason}); the tests list ` +
    `and delete their queues through it.\n` +
    `  Enable it locally: rabbitmq-plugins enable rabbitmq_management   (no broker restart)\n` +
    `  or with Docker:    ${COMPOSE}   (its RabbitMQ has it)`
  );
}

/**
 * What `pnpm start` needs: one message per missing server (empty when both are up).
 * @param {{ postgresUrl: string, amqpUrl: string }} urls
 */
async function missingForStart({ postgresUrl, amqpUrl }) {
  const [pg, amqp] = await Promise.all([reachable(postgresUrl, 5432), reachable(amqpUrl, 5672)]);
  return [
    ...(pg ? [] : [postgresMissing(postgresUrl)]),
    ...(amqp ? [] : [rabbitmqMissing(amqpUrl)]),
  ];
}

/**
 * What the tests need, from the variables they read (`TEST_DATABASE_URL`, `TEST_AMQP_URL`,
 * `RABBITMQ_MANAGEMENT_URL`): Postgres, RabbitMQ and its management API. One message per missing
 * piece. (The broker outage drills need nothing more: they cut a TCP gate of their own.)
 */
async function missingForTests(env = process.env) {
  const postgresUrl = env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const amqpUrl = env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const [pg, amqp] = await Promise.all([reachable(postgresUrl, 5432), reachable(amqpUrl, 5672)]);
  const problems = [];
  if (!pg) problems.push(postgresMissing(postgresUrl));
  if (!amqp) problems.push(rabbitmqMissing(amqpUrl));
  else {
    const management = await managementProblem(managementUrl(amqpUrl, env));
    if (management) problems.push(management);
  }
  return problems;
}

module.exports = {
  reachable,
  safe,
  managementUrl,
  missingForStart,
  missingForTests,
};
