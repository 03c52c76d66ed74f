// Prometheus (and Grafana, when it runs) of the containerized stack, after the journey.
//   node deploy/containers/observability.mjs <prometheus url> <prometheus.yml> <alerts.yaml> [grafana url]
// - every scrape job of prometheus.yml has its targets, each one `up` (Prometheus's HTTP API)
// - every alert rule of alerts.yaml is loaded
// - the pool and breaker series reach Prometheus: catalog's two pools, the storefront's breaker
//   of each service it calls
// - Grafana: healthy, the Bazaar dashboard provisioned, the Prometheus data source there
// No dependencies: Node's fetch only (the files are read with regular expressions). Exits 1
// naming what failed.
import { readFileSync } from 'node:fs';

const say = (line) => process.stdout.write(`${line}\n`);

const [prometheus, configFile, rulesFile, grafana] = process.argv.slice(2);
if (!prometheus || !configFile || !rulesFile) {
  process.stderr.write(
    'usage: observability.mjs <prometheus url> <prometheus.yml> <alerts.yaml> [grafana url]\n',
  );
  process.exit(2);
}
const TARGETS_TIMEOUT_MS = 90_000;
const DASHBOARD_UID = 'bazaar-overview';
const STOREFRONT_UPSTREAMS = ['catalog', 'orders', 'users', 'payments', 'search'];
const CATALOG_POOLS = ['catalog'];

const jobs = [...readFileSync(configFile, 'utf8').matchAll(/^\s*- job_name:\s*(\S+)\s*$/gm)].map(
  (m) => m[1],
);
const alerts = [...readFileSync(rulesFile, 'utf8').matchAll(/^\s*- alert:\s*(\S+)\s*$/gm)].map(
  (m) => m[1],
);

async function get(base, path, headers = {}) {
  const response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const query = async (promql) =>
  (await get(prometheus, `/api/v1/query?query=${encodeURIComponent(promql)}`)).data.result;

/** Every job's targets up; waits for the first scrapes (every 10 s) up to a deadline. */
async function targetsUp() {
  const deadline = Date.now() + TARGETS_TIMEOUT_MS;
  let problems = [];
  for (;;) {
    const { activeTargets } = (await get(prometheus, '/api/v1/targets?state=active')).data;
    problems = [
      ...jobs
        .filter((job) => !activeTargets.some((t) => t.labels.job === job))
        .map((job) => `${job}: no target`),
      ...activeTargets
        .filter((t) => t.health !== 'up')
        .map((t) => `${t.labels.job} ${t.scrapeUrl}: ${t.health} ${t.lastError ?? ''}`.trim()),
    ];
    if (problems.length === 0) {
      for (const t of activeTargets) say(`  ${t.labels.job} ${t.scrapeUrl}: up`);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`targets not all up:\n    ${problems.join('\n    ')}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function rulesLoaded() {
  const { groups } = (await get(prometheus, '/api/v1/rules?type=alert')).data;
  const loaded = groups.flatMap((g) => g.rules.map((r) => r.name));
  const missing = alerts.filter((name) => !loaded.includes(name));
  if (missing.length > 0) throw new Error(`alert rules not loaded: ${missing.join(', ')}`);
  say(`  ${loaded.length} alert rules loaded (${alerts.length} in ${rulesFile.split('/').pop()})`);
}

async function newSeries() {
  const pools = (await query('db_pool_connections{job="bazaar-catalog"}')).map(
    (r) => r.metric.pool,
  );
  const breakers = (await query('http_client_breaker_state{job="bazaar-storefront"}')).map(
    (r) => `${r.metric.upstream}=${r.value[1]}`,
  );
  const missingPools = CATALOG_POOLS.filter((pool) => !pools.includes(pool));
  const missingBreakers = STOREFRONT_UPSTREAMS.filter(
    (upstream) => !breakers.some((b) => b.startsWith(`${upstream}=`)),
  );
  if (missingPools.length > 0 || missingBreakers.length > 0) {
    throw new Error(
      `series missing: catalog's pools ${missingPools.join(', ') || '-'}; storefront's breakers ${missingBreakers.join(', ') || '-'}`,
    );
  }
  const withPools = (await query('count by (job) (db_pool_connections)')).map((r) => r.metric.job);
  say(
    `  catalog's pools: ${pools.sort().join(', ')}; pools reported by ${withPools.sort().join(', ')}`,
  );
  say(`  storefront's breakers (0 closed): ${breakers.sort().join(', ')}`);
}

async function grafanaProvisioned() {
  const admin = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
  const health = await get(grafana, '/api/health');
  if (health.database !== 'ok') throw new Error(`Grafana's health: ${JSON.stringify(health)}`);
  const dashboards = await get(grafana, '/api/search?type=dash-db', admin);
  if (!dashboards.some((d) => d.uid === DASHBOARD_UID)) {
    throw new Error(`dashboard ${DASHBOARD_UID} not provisioned: ${JSON.stringify(dashboards)}`);
  }
  const sources = await get(grafana, '/api/datasources', admin);
  if (!sources.some((s) => s.type === 'prometheus' && s.url === 'http://prometheus:9090')) {
    throw new Error(`no Prometheus data source: ${JSON.stringify(sources)}`);
  }
  say(
    `  Grafana ${health.version}: dashboard ${DASHBOARD_UID}, data source http://prometheus:9090`,
  );
}

async function timed(name, run) {
  const started = Date.now();
  await run();
  say(`  ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

try {
  await timed('every target up', targetsUp);
  await timed('alert rules', rulesLoaded);
  await timed('pool and breaker series', newSeries);
  if (grafana) await timed('grafana', grafanaProvisioned);
  else say('  grafana: not running in this check (no image); its files are checked in pnpm test');
} catch (error) {
  process.stderr.write(`observability: ${error.message}\n`);
  process.exit(1);
}
