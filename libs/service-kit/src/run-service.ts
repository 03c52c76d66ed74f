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
   * The service's message broker connection (`createMessaging` of `@bazaar/messaging` fits): it
   * starts once the server listens, so HTTP serves while the broker is still being reached; on
   * shutdown it stops first (consumers, relay), before the HTTP server closes. It is deliberately
   * not a readiness check: readiness means "can serve requests", and writes carry on through the
   * outbox while the broker is away. Its state is the `messaging_broker_connected` gauge and the
   * `BazaarBrokerDisconnected` alert (docs/runbook.md) instead.
   */
  broker?: { start(): Promise<void>; stop(): Promise<void> };
}

/**
 * Listens and closes gracefully: on SIGTERM or SIGINT the server stops accepting, in-flight
 * requests finish, `onClose` hooks release pools, and the process exits 0 — or 1 when that
 * takes longer than `shutdownTimeoutMs`, so Kubernetes never waits on a stuck pod.
 */
export async function runService(app: App, options: RunOptions): Promise<void> {
  const { broker } = options;
  closeWithGrace({ delay: options.shutdownTimeoutMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal }, 'shutting down');
    await broker?.stop();
    await app.close();
    await flushTraces();
  });
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  // Which runtime a pod or a local process is on, in its first line after listening.
  app.log.info({ node: process.version, port: options.port }, 'service started');
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
