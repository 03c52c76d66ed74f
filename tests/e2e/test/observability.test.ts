import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportedNames, seriesNames } from '../src/promql.js';
import { SERVICES, startSystem, type System } from '../src/system.js';

const STARTUP_MS = 240_000;
const OBSERVABILITY = resolve(__dirname, '../../../docs/observability');
/** Series Prometheus makes itself, not any service. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

interface Query {
  where: string;
  expr: string;
}

/** Every query of the dashboard's panels and variables, and every alert rule's expression. */
function queries(): Query[] {
  const dashboard = JSON.parse(readFileSync(join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8'));
  const panels: Query[] = dashboard.panels.flatMap(
    (panel: { title: string; targets?: Array<{ expr: string }> }) =>
      (panel.targets ?? []).map((t) => ({ where: `panel "${panel.title}"`, expr: t.expr })),
  );
  const variables: Query[] = dashboard.templating.list
    .filter((v: { type: string }) => v.type === 'query')
    .map((v: { name: string; query: string }) => ({
      where: `variable ${v.name}`,
      // label_values(metric, label): the metric is what it reads.
      expr: v.query.replace(/^label_values\(([^,]+),.*\)$/, '$1'),
    }));
  const rules = readFileSync(join(OBSERVABILITY, 'alerts.yaml'), 'utf8');
  const alerts: Query[] = [
    ...rules.matchAll(
      /- alert: (\S+)\n(?:\s+#.*\n)*\s+expr: (?:\|\n)?([\s\S]*?)\n\s+(?:for|labels):/g,
    ),
  ].map((m) => ({ where: `alert ${m[1]}`, expr: m[2] }));
  return [...panels, ...variables, ...alerts];
}

/**
 * The dashboard and the alert rules against what the services really export: all six started
 * as processes, each one's `/metrics` scraped (issue #22: every panel's query names metrics a
 * service exports, so a renamed metric fails here rather than leaving a panel empty).
 */
describe('the dashboard and the alert rules read series the services export', () => {
  let system: System;
  const scraped = new Map<string, string>();

  beforeAll(async () => {
    // As compose runs them (NODE_ENV development): with the process metrics tests leave out.
    system = await startSystem('observability', { env: { NODE_ENV: 'development' } });
    for (const name of SERVICES) {
      const response = await fetch(`${system.urls[name]}/metrics`);
      if (response.status !== 200) throw new Error(`${name}'s /metrics: ${response.status}`);
      scraped.set(name, await response.text());
    }
  }, STARTUP_MS);
  afterAll(async () => {
    await system?.stop();
  });

  it('when every query is read, then every series it names is exported by a service', () => {
    const exported = new Set([...scraped.values()].flatMap((text) => [...exportedNames(text)]));
    const all = queries();
    const rules = readFileSync(join(OBSERVABILITY, 'alerts.yaml'), 'utf8');
    expect(all.filter((q) => q.where.startsWith('alert ')).length).toBe(
      rules.match(/- alert: /g)!.length,
    );
    expect(all.filter((q) => q.where.startsWith('panel ')).length).toBeGreaterThan(25);
    const missing = all.flatMap(({ where, expr }) =>
      seriesNames(expr)
        .filter((name) => !exported.has(name) && !PROMETHEUS_OWN.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("when a service is scraped, then its series carry its name as `service` (the dashboard's filter) and it reports its pools and breakers", () => {
    for (const [name, text] of scraped) {
      const samples = text.split('\n').filter((line) => line && !line.startsWith('#'));
      expect([name, samples.filter((line) => !line.includes(`service="${name}"`))]).toEqual([
        name,
        [],
      ]);
    }
    for (const name of ['catalog', 'orders', 'users', 'payments', 'search'] as const) {
      expect(scraped.get(name)).toMatch(
        new RegExp(`^db_pool_max_connections\\{pool="${name}",service="${name}"\\} [1-9]`, 'm'),
      );
    }
    // One pool per service: catalog's price lookup runs on its kysely pool too.
    expect(scraped.get('catalog')!.match(/^db_pool_max_connections\{/gm)).toHaveLength(1);
    for (const upstream of ['catalog', 'orders', 'users', 'payments', 'search']) {
      expect(scraped.get('storefront')).toContain(
        `http_client_breaker_state{upstream="${upstream}",service="storefront"} 0`,
      );
    }
    expect(scraped.get('orders')).toContain(
      'http_client_breaker_state{upstream="catalog",service="orders"} 0',
    );
  });
});
