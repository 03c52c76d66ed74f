import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, DATA_SERVICES, SERVICE_NAMES } from '../src/workspace.js';

type Obj = Record<string, any>;

const composeText = readFileSync(join(ROOT, 'deploy', 'compose.yaml'), 'utf8');
const compose = parse(composeText, { merge: true }) as Obj & { services: Record<string, Obj> };

/**
 * A published port: bound to 127.0.0.1 unless BAZAAR_BIND_ADDRESS says otherwise (CI's Docker
 * service is another host), the host side movable by BAZAAR_<NAME>_PORT.
 */
const published = (name: string, port: number) =>
  `\${BAZAAR_BIND_ADDRESS:-127.0.0.1}:\${BAZAAR_${name.toUpperCase().replace(/-/g, '_')}_PORT:-${port}}:${port}`;

describe('deploy/compose.yaml', () => {
  it('when parsed, then it runs Postgres 15, RabbitMQ with its management UI and Jaeger with OTLP and UI ports', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:15/);
    expect(compose.services.rabbitmq.image).toMatch(/^rabbitmq:3\.\d+.*-management$/);
    expect(compose.services.postgres.ports).toEqual([published('postgres', 5432)]);
    expect(compose.services.rabbitmq.ports).toEqual([
      published('rabbitmq', 5672),
      published('rabbitmq_ui', 15672),
    ]);
    expect(compose.services.jaeger.image).toMatch(/^jaegertracing\/all-in-one:\d/);
    expect(compose.services.jaeger.ports).toEqual([
      published('jaeger_ui', 16686),
      published('otlp', 4318),
    ]);
    for (const name of ['postgres', 'rabbitmq', 'jaeger']) {
      expect([name, compose.services[name].healthcheck?.test?.[0]]).toEqual([name, 'CMD']);
    }
  });

  it.each(DATA_SERVICES.map((s) => [s.name, s]))(
    'when parsed, then %s is built from the Dockerfile, configured, health-checked and started after what it needs',
    (name, service) => {
      const entry = compose.services[name];
      expect(entry.build).toEqual({
        context: '..',
        dockerfile: 'deploy/Dockerfile',
        args: { SERVICE: name },
      });
      expect(entry.environment).toMatchObject({
        PORT: String(service.port),
        DATABASE_URL: `postgres://postgres@postgres:5432/bazaar_${name}`,
        AMQP_URL: expect.stringMatching(/^amqp:\/\/.*@rabbitmq:5672$/),
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
        JWKS_URL: 'http://users:8083/.well-known/jwks.json',
        CATALOG_URL: 'http://catalog:8081',
        USERS_URL: 'http://users:8083',
      });
      expect(entry.healthcheck.test).toEqual([
        'CMD',
        'node',
        '/usr/local/lib/bazaar/healthcheck.mjs',
        '/health/ready',
      ]);
      expect(entry.ports).toEqual([published(name, service.port)]);
      expect(entry.read_only).toBe(true);
      expect(entry.tmpfs).toEqual(['/tmp']);
      expect(entry.cap_drop).toEqual(['ALL']);

      const needs = Object.entries(entry.depends_on as Record<string, { condition: string }>);
      const healthy = needs.filter(([, d]) => d.condition === 'service_healthy').map(([n]) => n);
      expect(healthy).toEqual(
        expect.arrayContaining([
          'postgres',
          ...(name === 'storefront' ? [] : ['rabbitmq']),
          ...service.calls,
        ]),
      );
      expect(Object.keys(entry.depends_on)).toContain('jaeger');
    },
  );

  it('when parsed, then the web shop is built from the Dockerfile, hardened, and calls only the storefront, after it', () => {
    const web = compose.services.web;
    expect(web.build).toEqual({
      context: '..',
      dockerfile: 'deploy/Dockerfile',
      args: { SERVICE: 'web' },
    });
    expect(web.environment).toMatchObject({
      PORT: '8086',
      STOREFRONT_URL: 'http://storefront:8080',
    });
    expect(
      Object.keys(web.environment)
        .filter((k) => /DATABASE|AMQP|_URL$/.test(k))
        .sort(),
    ).toEqual(['JAEGER_UI_URL', 'PUBLIC_URL', 'STOREFRONT_URL']);
    expect(web.ports).toEqual([published('web', 8086)]);
    expect(web.read_only).toBe(true);
    expect(web.cap_drop).toEqual(['ALL']);
    expect(web.depends_on.storefront).toEqual({ condition: 'service_healthy' });
  });

  it('when the start order is followed, then there is no cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]) => {
      expect(visiting.has(name) ? [...path, name] : []).toEqual([]);
      if (done.has(name)) return;
      visiting.add(name);
      for (const next of Object.keys(compose.services[name].depends_on ?? {})) {
        visit(next, [...path, name]);
      }
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(compose.services)) visit(name, []);
    expect(done.size).toBe(Object.keys(compose.services).length);
  });

  it('when six services and their migrators connect, then Postgres allows 300 connections', () => {
    expect(compose.services.postgres.command).toEqual(['postgres', '-c', 'max_connections=300']);
  });

  it('when the stack comes up, then a one-shot seed fills the demo catalog once catalog and search are healthy', () => {
    const seed = compose.services['catalog-seed'];
    expect(seed.image).toBe(compose.services.catalog.image);
    expect(seed.build).toEqual(compose.services.catalog.build);
    expect(seed.command).toEqual([
      'node',
      '--enable-source-maps',
      'dist/cli/seed.js',
      '--if-empty',
    ]);
    expect(seed.restart).toBe('no');
    expect(seed.environment.DATABASE_URL).toBe(compose.services.catalog.environment.DATABASE_URL);
    // Search's queue must be bound before the seed's product.created events go out.
    expect(seed.depends_on).toEqual({
      catalog: { condition: 'service_healthy' },
      search: { condition: 'service_healthy' },
    });
    expect(seed.read_only).toBe(true);
  });

  it('when run by docker-compose 1.29, then it uses nothing only Compose v2 knows (top-level name, inline configs)', () => {
    expect(Object.keys(compose).sort()).toEqual(expect.arrayContaining(['services', 'volumes']));
    expect(compose.name).toBeUndefined();
    expect(compose.configs).toBeUndefined();
    for (const [name, entry] of Object.entries(compose.services)) {
      expect([name, entry.configs, entry.develop, entry.pull_policy]).toEqual([
        name,
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  it('when the check lists the images to build, then they are the SERVICE build args, each service once', () => {
    const args = [...composeText.matchAll(/^ +SERVICE: *([a-z0-9-]+) *$/gm)].map((m) => m[1]);
    expect([...new Set(args)].sort()).toEqual([...SERVICE_NAMES].sort());
  });
});
