// `pnpm start`: check Postgres and RabbitMQ, build, seed a demo catalog when empty, run the six
// services and the web shop with prefixed output, say when they are ready and where (the shop's
// URL first: "open http://127.0.0.1:8086"). A service that crashes is
// restarted with backoff while the others keep serving (scripts/supervise.mjs); Ctrl-C stops
// them all.
//
// `pnpm start -- --from-source` runs the TypeScript sources without building (as each
// service's `dev` does). Side by side with another copy (tests): `BAZAAR_BASE_PORT` moves the
// ports (storefront at the base, catalog +1, ..., web +6), `BAZAAR_DATABASE_PREFIX` names the
// databases (`<prefix><service>`, default `bazaar_`), `AMQP_NAMESPACE` the broker's names.
//
// `pnpm dev` (`--dev`) runs from sources under `node --watch`: a service restarts when a file
// of its `src/` or of the `src/` of a workspace lib it uses (directly or through another lib)
// changes. Logs are one readable line per event unless `LOG_FORMAT=json`; `--help` for the rest.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
// The same checks and messages as `pnpm test`'s global setup.
import infrastructure from './infrastructure.cjs';
import {
  logFormatFrom,
  parseStartArgs,
  say,
  START_USAGE,
  supervise,
  watchArgs,
} from './supervise.mjs';

let args;
let logFormat;
try {
  args = parseStartArgs(process.argv.slice(2));
  logFormat = logFormatFrom(process.env);
} catch (error) {
  process.stderr.write(`start: ${error.message} (see --help)\n`);
  process.exit(2);
}
if (args === 'help') {
  process.stdout.write(START_USAGE);
  process.exit(0);
}

export const SERVICES = [
  { name: 'storefront', port: 8080, color: 'magenta' },
  { name: 'catalog', port: 8081, color: 'green' },
  { name: 'orders', port: 8082, color: 'yellow' },
  { name: 'users', port: 8083, color: 'cyan' },
  { name: 'payments', port: 8084, color: 'blue' },
  { name: 'search', port: 8085, color: 'red' },
  { name: 'web', port: 8086, color: 'white' },
];

const postgresUrl = process.env.BAZAAR_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const { fromSource, dev, build } = args;
const portShift = Number(process.env.BAZAAR_BASE_PORT ?? 8080) - 8080;
const databasePrefix = process.env.BAZAAR_DATABASE_PREFIX ?? 'bazaar_';

const portOf = (service) => service.port + portShift;
const urlOf = (name) => `http://127.0.0.1:${portOf(SERVICES.find((s) => s.name === name))}`;
function databaseUrlOf(name) {
  const url = new URL(postgresUrl);
  url.pathname = `/${databasePrefix}${name}`;
  return url.toString();
}
// Where each service finds the others (their defaults when the ports are not moved).
const links = {
  CATALOG_URL: urlOf('catalog'),
  ORDERS_URL: urlOf('orders'),
  USERS_URL: urlOf('users'),
  PAYMENTS_URL: urlOf('payments'),
  SEARCH_URL: urlOf('search'),
  STOREFRONT_URL: urlOf('storefront'),
  JWKS_URL: `${urlOf('users')}/.well-known/jwks.json`,
};

const missing = await infrastructure.missingForStart({ postgresUrl, amqpUrl });
if (missing.length > 0) {
  console.error(`Bazaar cannot start:\n\n${missing.join('\n\n')}\n`);
  process.exit(1);
}

if (fromSource) {
  console.log('Running from sources (--from-source): nothing is built.');
} else if (!build) {
  console.log('Running what was built last (--no-build).');
} else {
  console.log('Building libraries and services...');
  execSync('pnpm build', { stdio: 'inherit' });
}

const catalogScripts = JSON.parse(readFileSync('services/catalog/package.json', 'utf8')).scripts;
if (catalogScripts['seed:if-empty']) {
  execSync('pnpm --filter @bazaar/catalog run seed:if-empty', {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrlOf('catalog') },
  });
}

// From sources, tsx must be loaded before the telemetry hook (itself TypeScript there).
const [loader, main] = fromSource
  ? [['--conditions=@bazaar/source', '--import', 'tsx'], 'src/main.ts']
  : [[], 'dist/main.js'];

if (dev) say('Development mode (--dev): a service restarts when its sources or its libs change');
say(`Node ${process.version} runs the services (${process.execPath})`);
const runnable = SERVICES.filter((s) => existsSync(`services/${s.name}/${main}`));
const supervisor = supervise(
  runnable.map((s) => ({
    name: s.name,
    color: s.color,
    cwd: `services/${s.name}`,
    command: process.execPath,
    args: [
      '--enable-source-maps',
      ...(dev ? watchArgs('.', s.name) : []),
      ...loader,
      '--import',
      '@bazaar/telemetry/register',
      main,
    ],
    env: {
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      // The supervisor reads JSON lines and prints them as LOG_FORMAT says.
      LOG_FORMAT: 'json',
      ...links,
      PORT: String(portOf(s)),
      DATABASE_URL: databaseUrlOf(s.name),
      // The web shop's own address, for its OpenGraph and canonical links.
      ...(s.name === 'web' ? { PUBLIC_URL: urlOf('web') } : {}),
    },
    readyUrl: `http://127.0.0.1:${portOf(s)}/health/ready`,
  })),
  { format: logFormat },
);
process.once('exit', () => supervisor.killAll());

// Ctrl-C (or a SIGTERM): every service gets one SIGTERM and is waited for; no restarts after.
let stopped;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopped ??= (say(`${signal}: stopping every service`), supervisor.stopAll()).then((code) =>
      process.exit(code),
    );
  });
}

async function waitReady(service, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${portOf(service)}/health/ready`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

const deadline = Date.now() + 90_000;
const ready = await Promise.all(SERVICES.map((s) => waitReady(s, deadline)));
if (ready.every(Boolean)) {
  const storefront = urlOf('storefront');
  console.log(
    [
      '',
      `open ${urlOf('web')}   (the shop)`,
      '',
      'Bazaar is ready.',
      `  storefront (public API): ${storefront}   docs: ${storefront}/docs`,
      ...SERVICES.slice(1)
        .filter((s) => s.name !== 'web')
        .map((s) => `  ${s.name.padEnd(10)} ${urlOf(s.name)}/docs`),
      '  traces: Jaeger UI at http://127.0.0.1:16686 when Jaeger runs (OTLP on :4318)',
      'A service that crashes is restarted (with backoff); Ctrl-C stops every service.',
      '',
    ].join('\n'),
  );
} else {
  const late = SERVICES.filter((_, i) => !ready[i]).map((s) => s.name);
  console.error(`Not ready after 90 s: ${late.join(', ')} (see their output above).`);
}
