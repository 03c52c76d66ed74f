/**
 * The process's first module: `node --import @bazaar/telemetry/register dist/main.js`.
 *
 * ES modules are linked before any of them runs, so instrumentation must be in place before
 * the service's own module graph loads; `--import` is the one place early enough. The loader
 * hook below wraps only the modules an instrumentation asked for.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { telemetryConfig } from './config.js';
import { startTelemetry } from './sdk.js';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

// The service is the package in the working directory (`services/<name>`, or `/app` in the image).
// A package marked `"bazaar": { "publicEdge": true }` (the storefront) serves the internet.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string;
  version: string;
  bazaar?: { publicEdge?: boolean };
};
const config = telemetryConfig(process.env);

if (config.enabled) {
  startTelemetry({
    serviceName: config.serviceName ?? pkg.name.replace(/^@bazaar\//, ''),
    serviceVersion: pkg.version,
    environment: config.environment,
    untrustedCallers: pkg.bazaar?.publicEdge === true && !config.trustClientTraceContext,
  });
}
await waitForAllMessagesAcknowledged();
