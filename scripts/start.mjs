// `pnpm start`: check Postgres and RabbitMQ, build, seed a demo catalog when empty, run all six
// services with prefixed output, say when they are ready and where; Ctrl-C stops them all.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import concurrently from 'concurrently';

export const SERVICES = [
  { name: 'storefront', port: 8080, color: 'magenta' },
  { name: 'catalog', port: 8081, color: 'green' },
  { name: 'orders', port: 8082, color: 'yellow' },
  { name: 'users', port: 8083, color: 'cyan' },
  { name: 'payments', port: 8084, color: 'blue' },
  { name: 'search', port: 8085, color: 'red' },
];

const postgresUrl = process.env.BAZAAR_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

function safe(url) {
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}

const missing = [];
if (!(await reachable(postgresUrl, 5432))) {
  missing.push(
    `PostgreSQL is not reachable at ${safe(postgresUrl)}.\n` +
      `  Start it locally:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
      `  or with Docker:    docker compose -f deploy/compose.yaml up -d postgres rabbitmq jaeger`,
  );
}
if (!(await reachable(amqpUrl, 5672))) {
  missing.push(
    `RabbitMQ is not reachable at ${safe(amqpUrl)}.\n` +
      `  Start it locally:  rabbitmq-server -detached\n` +
      `  or with Docker:    docker compose -f deploy/compose.yaml up -d postgres rabbitmq jaeger`,
  );
}
if (missing.length > 0) {
  console.error(`Bazaar cannot start:\n\n${missing.join('\n\n')}\n`);
  process.exit(1);
}

console.log('Building libraries and services...');
execSync('pnpm build', { stdio: 'inherit' });

const catalogScripts = JSON.parse(readFileSync('services/catalog/package.json', 'utf8')).scripts;
if (catalogScripts['seed:if-empty']) {
  execSync('pnpm --filter @bazaar/catalog run seed:if-empty', { stdio: 'inherit' });
}

const { result } = concurrently(
  SERVICES.filter((s) => existsSync(`services/${s.name}/dist/main.js`)).map((s) => ({
    name: s.name,
    prefixColor: s.color,
    cwd: `services/${s.name}`,
    command: 'node --enable-source-maps --import @bazaar/telemetry/register dist/main.js',
    env: { NODE_ENV: process.env.NODE_ENV ?? 'development' },
  })),
  { prefix: '{name}', killOthersOn: ['failure'], restartTries: 0 },
);
// Settles when every service has stopped: 0 after a clean stop (Ctrl-C), 1 when one failed.
const finished = result.then(
  () => 0,
  () => 1,
);

async function waitReady(service, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

const deadline = Date.now() + 90_000;
const ready = await Promise.race([
  Promise.all(SERVICES.map((s) => waitReady(s, deadline))),
  finished.then(() => SERVICES.map(() => false)),
]);
if (ready.every(Boolean)) {
  console.log(
    [
      '',
      'Bazaar is ready.',
      `  storefront (public API): http://127.0.0.1:8080   docs: http://127.0.0.1:8080/docs`,
      ...SERVICES.slice(1).map((s) => `  ${s.name.padEnd(10)} http://127.0.0.1:${s.port}/docs`),
      '  traces: Jaeger UI at http://127.0.0.1:16686 when Jaeger runs (OTLP on :4318)',
      'Ctrl-C stops every service.',
      '',
    ].join('\n'),
  );
} else {
  const late = SERVICES.filter((_, i) => !ready[i]).map((s) => s.name);
  console.error(`Not ready after 90 s: ${late.join(', ')} (see their output above).`);
}

process.exit(await finished);
