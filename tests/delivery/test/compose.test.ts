import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, DATA_SERVICES } from '../src/workspace.js';

type Obj = Record<string, any>;

const compose = parse(readFileSync(join(ROOT, 'deploy', 'compose.yaml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Obj>; configs: Obj };

describe('deploy/compose.yaml', () => {
  it('when parsed, then it runs Postgres 15, RabbitMQ with its management UI and Jaeger with OTLP and UI ports', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:15/);
    expect(compose.services.rabbitmq.image).toMatch(/^rabbitmq:3\.\d+.*-management$/);
    expect(compose.services.rabbitmq.ports).toEqual(
      expect.arrayContaining(['127.0.0.1:5672:5672', '127.0.0.1:15672:15672']),
    );
    expect(compose.services.jaeger.image).toMatch(/^jaegertracing\/all-in-one:\d/);
    expect(compose.services.jaeger.ports).toEqual(
      expect.arrayContaining(['127.0.0.1:16686:16686', '127.0.0.1:4318:4318']),
    );
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
    expect(web.ports).toEqual(['127.0.0.1:8086:8086']);
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

  it('when the broker runs locally, then its guest account may connect from the services', () => {
    const mount = compose.services.rabbitmq.configs[0];
    expect(compose.configs[mount.source].content).toMatch(/loopback_users = none/);
    expect(mount.target).toMatch(/^\/etc\/rabbitmq\/conf\.d\//);
  });
});
