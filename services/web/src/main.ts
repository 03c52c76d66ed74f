import { fileURLToPath } from 'node:url';
import { createServiceClient } from '@bazaar/http-client';
import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp } from './app.js';
import { loadServiceConfig } from './config.js';

try {
  const config = loadServiceConfig();
  // No circuit breaker here: the storefront has one per internal service, and one breaker for
  // all of the storefront would let search being down (503s) stop browsing and checkout too.
  const storefront = createServiceClient({
    name: 'storefront',
    baseUrl: config.STOREFRONT_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    breaker: false,
  });
  const app = await buildApp(config, {
    storefront,
    // assets/ beside src/ and dist/: the same path from sources and from the build.
    assetsDir: fileURLToPath(new URL('../assets/', import.meta.url)),
  });
  app.addHook('onClose', async () => storefront.close());
  await runService(app, { port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(error);
}
