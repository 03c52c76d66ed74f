import { flushTraces } from '@bazaar/telemetry';
import closeWithGrace from 'close-with-grace';
import type { App } from './create-app.js';
import { ConfigError } from './config.js';

export interface RunOptions {
  port: number;
  host?: string;
  /** How long in-flight work may take to finish after SIGTERM before the process exits 1. */
  shutdownTimeoutMs?: number;
  /**
   * The service's message broker connection (`createMessaging` of `@bazaar/messaging` fits):
   * readiness checks it as `broker`; it starts once the server listens, so HTTP serves while the
   * broker is still being reached (`broker: down` until then, events wait in the outbox); on
   * shutdown it stops first (consumers, relay), before the HTTP server closes.
   */
  broker?: { start(): Promise<void>; stop(): Promise<void>; check(): Promise<void> };
}

/**
 * Listens and closes gracefully: on SIGTERM or SIGINT the server stops accepting, in-flight
 * requests finish, `onClose` hooks release pools, and the process exits 0 — or 1 when that
 * takes longer than `shutdownTimeoutMs`, so Kubernetes never waits on a stuck pod.
 */
export async function runService(app: App, options: RunOptions): Promise<void> {
  const { broker } = options;
  if (broker) app.health.addCheck('broker', () => broker.check());
  closeWithGrace({ delay: options.shutdownTimeoutMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal }, 'shutting down');
    await broker?.stop();
    await app.close();
    await flushTraces();
  });
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  await broker?.start();
}

/**
 * The last word of a process that could not start: a configuration error lists every bad key,
 * anything else prints its stack; either way exit 1 so the orchestrator sees the failure.
 */
export function exitOnStartupError(error: unknown): never {
  const text =
    error instanceof ConfigError
      ? error.message
      : `startup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
