import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { ROOT, SERVICES } from '../src/workspace.js';

type Obj = Record<string, any>;

const OBSERVABILITY = join(ROOT, 'docs', 'observability');
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(path, 'utf8');
const compose = parse(read(join(DEPLOY, 'compose.yaml')), { merge: true }) as {
  services: Record<string, Obj>;
};
const prometheusConfig = parse(read(join(OBSERVABILITY, 'prometheus.yml'))) as Obj;
const rules = parse(read(join(OBSERVABILITY, 'alerts.yaml'))) as Obj;
const dashboard = JSON.parse(read(join(OBSERVABILITY, 'grafana-dashboard.json'))) as Obj;

/**
 * Debian's promtool (package `prometheus`), as `.ci/run` installs it. Never skipped: without it
 * the test fails and says how to get it.
 */
function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'promtool is not installed: it checks the Prometheus configuration and alert rules.\n' +
        '  Debian/Ubuntu: apt-get install prometheus   (.ci/run installs it; the service it brings can stay stopped)',
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * The files as deploy/prometheus/Dockerfile lays them out in the image: prometheus.yml and
 * alerts.yaml side by side (`rule_files: [alerts.yaml]`), in a temporary folder.
 */
function imageLayout(extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-prometheus-'));
  for (const file of ['prometheus.yml', 'alerts.yaml']) {
    copyFileSync(join(OBSERVABILITY, file), join(dir, file));
  }
  for (const file of extra) copyFileSync(file, join(dir, file.split('/').pop()!));
  return dir;
}

const jobs = (prometheusConfig.scrape_configs as Obj[]).map((c) => c.job_name as string);
const alertRules = (rules.groups as Obj[]).flatMap((g) => g.rules as Obj[]);

describe('Prometheus: configuration and alert rules (promtool)', () => {
  it('when promtool checks the alert rules, then they are valid', () => {
    const { status, output } = promtool(['check', 'rules', 'alerts.yaml'], OBSERVABILITY);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('when promtool checks the configuration as the image holds it, then it is valid and loads the rules', () => {
    const dir = imageLayout();
    try {
      const { status, output } = promtool(['check', 'config', 'prometheus.yml'], dir);
      expect({ status, output }).toEqual({
        status: 0,
        output: expect.stringContaining('SUCCESS: 1 rule files found'),
      });
      expect(output).toContain(`SUCCESS: ${alertRules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when promtool runs the alert rules' unit tests, then the breaker, pool and scrape alerts fire when they should and only then", () => {
    const dir = imageLayout([join(__dirname, 'fixtures', 'alerts.promtool-test.yaml')]);
    try {
      const { status, output } = promtool(['test', 'rules', 'alerts.promtool-test.yaml'], dir);
      expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the scrape configuration is read, then every service is one job, bazaar-<service>, at its compose name and port', () => {
    const targets = Object.fromEntries(
      (prometheusConfig.scrape_configs as Obj[]).map((c) => [
        c.job_name,
        (c.static_configs as Obj[]).flatMap((s) => s.targets),
      ]),
    );
    for (const service of SERVICES) {
      expect([service.name, targets[`bazaar-${service.name}`]]).toEqual([
        service.name,
        [`${service.name}:${service.port}`],
      ]);
      expect(compose.services[service.name].environment.PORT).toBe(String(service.port));
    }
    expect(prometheusConfig.rule_files).toEqual(['alerts.yaml']);
  });

  it('when an alert selects by job, then the job names are those the scrape configuration gives', () => {
    const selectors = alertRules.flatMap((rule) =>
      [...String(rule.expr).matchAll(/\bjob\s*(=~|=|!=|!~)\s*"([^"]*)"/g)].map((m) => ({
        alert: rule.alert as string,
        op: m[1],
        value: m[2],
      })),
    );
    expect(selectors.length).toBeGreaterThan(0);
    for (const { alert, op, value } of selectors) {
      const pattern = new RegExp(
        `^(?:${op.endsWith('~') ? value : value.replace(/\W/g, '\\$&')})$`,
      );
      const matched = jobs.filter((job) => pattern.test(job) === op.startsWith('='));
      expect([alert, matched.length > 0]).toEqual([alert, true]);
    }
    // The not-answering alert covers every service's job.
    const notReady = alertRules.find((r) => r.alert === 'BazaarServiceNotReady')!;
    const serviceJobs = jobs.filter((job) => job.startsWith('bazaar-'));
    const selector = /job=~"([^"]+)"/.exec(notReady.expr)![1];
    expect(serviceJobs.filter((job) => !new RegExp(`^(?:${selector})$`).test(job))).toEqual([]);
    expect(serviceJobs).toHaveLength(SERVICES.length);
  });

  it("when Prometheus runs in Kubernetes, then its scrape job keeps and names each base deployment's pods bazaar-<service>, the jobs the alerts select", () => {
    // Read, not run through promtool: Debian's Prometheus is built without Kubernetes discovery
    // (its promtool rejects `kubernetes_sd_configs`), so the relabelling is applied here by hand.
    const k8s = parse(read(join(OBSERVABILITY, 'prometheus-kubernetes.yml'))) as Obj;
    const relabel = (k8s.scrape_configs as Obj[])[0].relabel_configs as Obj[];
    const jobRule = relabel.find((r) => r.target_label === 'job')!;
    const keeps = relabel.filter((r) => r.action === 'keep');
    for (const service of SERVICES) {
      const base = join(ROOT, 'kustomize', 'base', service.name);
      const kustomization = parse(read(join(base, 'kustomization.yaml'))) as Obj;
      const labels = Object.assign(
        {},
        ...(kustomization.labels as Obj[]).map((l) => l.pairs as Record<string, string>),
      );
      const deployment = parse(read(join(base, 'deployment.yaml'))) as Obj;
      const annotations = deployment.spec.template.metadata.annotations as Record<string, string>;
      // What Kubernetes service discovery would show for this service's pods.
      const meta: Record<string, string> = {
        __meta_kubernetes_pod_label_app_kubernetes_io_part_of: labels['app.kubernetes.io/part-of'],
        __meta_kubernetes_pod_label_app_kubernetes_io_name: labels['app.kubernetes.io/name'],
        __meta_kubernetes_pod_annotation_prometheus_io_scrape: annotations['prometheus.io/scrape'],
      };
      for (const keep of keeps) {
        const value = (keep.source_labels as string[]).map((l) => meta[l]).join(';');
        expect([service.name, new RegExp(`^(?:${keep.regex})$`).test(value)]).toEqual([
          service.name,
          true,
        ]);
      }
      const name = meta[(jobRule.source_labels as string[])[0]];
      const job = String(jobRule.replacement).replace('$1', name);
      expect([service.name, job, annotations['prometheus.io/port']]).toEqual([
        service.name,
        `bazaar-${service.name}`,
        String(service.port),
      ]);
      expect(jobs).toContain(job);
    }
    const address = relabel.find((r) => r.target_label === '__address__')!;
    const [, host, port] = new RegExp(`^(?:${address.regex})$`).exec('10.1.2.3:9999;8081')!;
    expect(String(address.replacement).replace('$1', host).replace('$2', port)).toBe(
      '10.1.2.3:8081',
    );
  });

  it('when every alert is read, then it has a severity, a summary and a row in the runbook', () => {
    const runbook = read(join(ROOT, 'docs', 'runbook.md'));
    for (const rule of alertRules) {
      expect([rule.alert, rule.labels?.severity]).toEqual([
        rule.alert,
        expect.stringMatching(/^(page|ticket)$/),
      ]);
      expect([rule.alert, typeof rule.annotations?.summary]).toEqual([rule.alert, 'string']);
      expect([rule.alert, runbook.includes(`| \`${rule.alert}\` |`)]).toEqual([rule.alert, true]);
    }
  });

  it('when compose builds Prometheus, then its image copies this configuration and these rules and runs them', () => {
    const prometheus = compose.services.prometheus;
    const context = resolve(DEPLOY, prometheus.build.context);
    expect(context).toBe(OBSERVABILITY);
    const dockerfile = resolve(context, prometheus.build.dockerfile);
    expect(dockerfile).toBe(join(DEPLOY, 'prometheus', 'Dockerfile'));
    const text = read(dockerfile);
    expect(text).toMatch(/^FROM prom\/prometheus:v2\.\d+\.\d+$/m);
    expect(text).toMatch(/^COPY prometheus\.yml alerts\.yaml \/etc\/prometheus\/$/m);
    expect(text).toContain('"--config.file=/etc/prometheus/prometheus.yml"');
    expect(prometheus.ports).toEqual([
      '${BAZAAR_BIND_ADDRESS:-127.0.0.1}:${BAZAAR_PROMETHEUS_PORT:-9090}:9090',
    ]);
  });
});

describe('Grafana: provisioning files and the dashboard', () => {
  const grafana = compose.services.grafana;
  /** compose `source:target[:ro]` volumes of Grafana, sources resolved from deploy/. */
  const mounts = (grafana.volumes as string[]).map((volume) => {
    const [source, target] = volume.split(':');
    return { source: source.startsWith('.') ? resolve(DEPLOY, source) : source, target };
  });
  const provisioning = mounts.find((m) => m.target === '/etc/grafana/provisioning')!;
  const provisioned = (file: string) => parse(read(join(provisioning.source, file))) as Obj;

  it('when compose runs Grafana, then it is the official image with the provisioning folder and the dashboard mounted', () => {
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(provisioning?.source).toBe(join(DEPLOY, 'grafana', 'provisioning'));
    const dashboardMount = mounts.find((m) => m.source.endsWith('.json'))!;
    expect(dashboardMount.source).toBe(join(OBSERVABILITY, 'grafana-dashboard.json'));
    expect(existsSync(dashboardMount.source)).toBe(true);
    expect(grafana.depends_on).toEqual({ prometheus: { condition: 'service_started' } });
    expect(grafana.ports).toEqual([
      '${BAZAAR_BIND_ADDRESS:-127.0.0.1}:${BAZAAR_GRAFANA_PORT:-3000}:3000',
    ]);
  });

  it("when the data source file is read, then it is the default Prometheus at compose's prometheus service and port", () => {
    const { apiVersion, datasources } = provisioned('datasources/prometheus.yaml');
    expect(apiVersion).toBe(1);
    expect(datasources).toHaveLength(1);
    const [source] = datasources as Obj[];
    expect(source).toMatchObject({ type: 'prometheus', access: 'proxy', isDefault: true });
    const url = new URL(source.url);
    expect(url.hostname).toBe('prometheus');
    expect(compose.services[url.hostname]).toBeDefined();
    const containerPorts = (compose.services.prometheus.ports as string[]).map((p) =>
      p.split(':').pop(),
    );
    expect(containerPorts).toContain(url.port);
  });

  it('when the dashboard provider file is read, then it loads the folder the dashboard is mounted in', () => {
    const { apiVersion, providers } = provisioned('dashboards/bazaar.yaml');
    expect(apiVersion).toBe(1);
    expect(providers).toHaveLength(1);
    const [provider] = providers as Obj[];
    expect(provider.type).toBe('file');
    const dashboardMount = mounts.find((m) => m.source.endsWith('.json'))!;
    expect(posix.dirname(dashboardMount.target)).toBe(provider.options.path);
    expect(grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      dashboardMount.target,
    );
  });

  it('when the dashboard JSON is read, then it has a uid, unique panel ids, a Prometheus data source variable and a query in every panel', () => {
    expect(dashboard.uid).toBe('bazaar-overview');
    const panels = dashboard.panels as Obj[];
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const variable = (dashboard.templating.list as Obj[]).find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, panel.datasource]).toEqual([
        panel.title,
        { type: 'prometheus', uid: '${datasource}' },
      ]);
      expect([panel.title, (panel.targets as Obj[]).length > 0]).toEqual([panel.title, true]);
      for (const target of panel.targets as Obj[]) {
        expect([panel.title, typeof target.expr, target.refId]).toEqual([
          panel.title,
          'string',
          expect.stringMatching(/^[A-Z]$/),
        ]);
      }
    }
  });

  it('when the panels are laid out, then none overlaps another', () => {
    const boxes = (dashboard.panels as Obj[]).map((p) => ({ title: p.title, ...p.gridPos }));
    const overlaps: string[] = [];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) {
          overlaps.push(`${a.title} / ${b.title}`);
        }
      }
    }
    expect(overlaps).toEqual([]);
    expect(boxes.every((b) => b.x + b.w <= 24)).toBe(true);
  });

  it("when the dashboard's queries are given to promtool's parser through a rule file, then every one parses", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bazaar-dashboard-'));
    try {
      const exprs = (dashboard.panels as Obj[]).flatMap((p) =>
        ((p.targets as Obj[] | undefined) ?? []).map((t) =>
          // Grafana's variables, as Grafana would fill them in.
          String(t.expr).replace(/\$service/g, '.*'),
        ),
      );
      const file = join(dir, 'dashboard-queries.yaml');
      const body = exprs.map(
        (expr, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr)}`,
      );
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${body.join('\n')}\n`);
      const { status, output } = promtool(['check', 'rules', 'dashboard-queries.yaml'], dir);
      expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
