import { flushTraces } from '@bazaar/telemetry';
import closeWithGrace from 'close-with-grace';
import type { App } from './create-app.js';
import { ConfigError } from './config.js';

export interface RunOptions {
  port: number;
  host?: string;
  /** How long in-flight work may take to finish after SIGTERM before the process exits 1. */
  shutdownTimeoutMs?: number;
}

/**
 * Listens and closes gracefully: on SIGTERM or SIGINT the app's background work stops first
 * (its messaging: consumers, relay; see `whileListening`), the server stops accepting, in-flight
 * requests finish, `onClose` hooks release pools, and the process exits 0 — or 1 when that
 * takes longer than `shutdownTimeoutMs`, so Kubernetes never waits on a stuck pod. Messaging
 * starts once the server listens (the app's `messagingPlugin`), so HTTP serves while the broker
 * is still being reached.
 */
export async function runService(app: App, options: RunOptions): Promise<void> {
  closeWithGrace({ delay: options.shutdownTimeoutMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await flushTraces();
  });
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  // Which runtime a pod or a local process is on, in its first line after listening.
  app.log.info({ node: process.version, port: options.port }, 'service started');
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
