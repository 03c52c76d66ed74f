import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';

/** A readiness check: resolves when the dependency is usable, throws (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface Health {
  /** Adds a named check to `/health/ready` (`database`, `broker`, ...). */
  addCheck(name: string, check: ReadinessCheck): void;
  /** Runs every check; `ready` is true only when all pass. */
  check(): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health;
  }
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: ReadinessCheck): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('check timed out')), CHECK_TIMEOUT_MS);
    check().then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

const HealthReply = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])),
  ),
});

/** `/health/live` (the process answers) and `/health/ready` (its dependencies answer too). */
export function installHealth(app: FastifyInstance): void {
  const checks = new Map<string, ReadinessCheck>();
  const health: Health = {
    addCheck: (name, check) => void checks.set(name, check),
    async check() {
      const results: Record<string, 'up' | 'down'> = {};
      await Promise.all(
        [...checks].map(async ([name, check]) => {
          try {
            await withTimeout(check);
            results[name] = 'up';
          } catch (error) {
            app.log.warn({ check: name, err: error }, 'readiness check failed');
            results[name] = 'down';
          }
        }),
      );
      return { ready: Object.values(results).every((r) => r === 'up'), checks: results };
    },
  };
  app.decorate('health', health);

  const schema = { hide: true, response: { 200: HealthReply, 503: HealthReply } };
  app.get('/health/live', { schema, logLevel: 'warn' }, async () => ({ status: 'ok' as const }));
  app.get('/health/ready', { schema, logLevel: 'warn' }, async (_request, reply) => {
    const { ready, checks: results } = await health.check();
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? ('ok' as const) : ('unavailable' as const), checks: results });
  });
}
