import { exitOnStartupError, runService } from '@bazaar/service-kit';
import { buildApp } from './app.js';
import { createUpstreams } from './clients/upstreams.js';
import { loadServiceConfig } from './config.js';

try {
  const config = loadServiceConfig();
  const upstreams = createUpstreams(config);
  const app = await buildApp(config, { upstreams });
  app.addHook('onClose', async () => {
    await upstreams.close();
  });
  await runService(app, { port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(error);
}
