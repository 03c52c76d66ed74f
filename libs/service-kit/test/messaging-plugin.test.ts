import { messagingMigrations } from '@bazaar/messaging';
import { TOPOLOGY } from '@bazaar/contracts';
import { createApp, messagingPlugin, type App } from '../src/index.js';
import { startTestService, type TestService } from '../src/testing.js';

/** The gauge the alert watches, read from the app's registry. */
async function brokerConnected(app: App): Promise<number> {
  const text = await app.metrics.metrics();
  return Number(/^messaging_broker_connected(?:\{[^}]*\})? (\d)$/m.exec(text)?.[1] ?? NaN);
}

/** A service with messaging and nothing else, built as a service's `buildApp` builds it. */
function startMessagingService(label: string, listen: boolean): Promise<TestService<unknown>> {
  return startTestService<unknown>({
    service: 'kit',
    label,
    migrations: messagingMigrations,
    listen,
    build: async ({ env, db, messaging }) => {
      const app = await createApp({ name: 'kit', version: '0.0.0', logLevel: 'silent' });
      await app.register(messagingPlugin, {
        service: 'catalog',
        config: {
          AMQP_URL: env.AMQP_URL,
          AMQP_NAMESPACE: env.AMQP_NAMESPACE,
          DATABASE_URL: env.DATABASE_URL,
        },
        db,
        overrides: messaging,
      });
      return app;
    },
  });
}

describe('messagingPlugin', () => {
  it('when the app listens, then its messaging connects; readiness does not depend on it; close stops it', async () => {
    const service = await startMessagingService('listening', true);
    try {
      expect(await brokerConnected(service.app)).toBe(1);
      await expect(service.app.messaging.check()).resolves.toBeUndefined();
      const ready = await fetch(`${service.url}/health/ready`);
      expect(await ready.json()).toEqual({ status: 'ok', checks: {} });
    } finally {
      await service.close();
    }
    expect(await brokerConnected(service.app)).toBe(0);
  });

  it('when the app only answers inject, then it never connects to the broker', async () => {
    const service = await startMessagingService('inject', false);
    try {
      expect(await brokerConnected(service.app)).toBe(0);
      await expect(service.app.messaging.check()).rejects.toThrow(/not connected/);
    } finally {
      await service.close();
    }
  });

  it('when a subscription is not the declared one, then building the app fails', async () => {
    const app = await createApp({ name: 'kit', version: '0.0.0', logLevel: 'silent' });
    const register = app.register(messagingPlugin, {
      service: 'search',
      config: { AMQP_URL: 'amqp://127.0.0.1:1', AMQP_NAMESPACE: '' },
      db: undefined as never,
      relay: false,
      subscribe: (messaging) =>
        messaging.subscribe('search.products', { 'product.created': async () => undefined }),
    });
    await expect(register).rejects.toThrow(/search.products handles product.created but/);
    expect(TOPOLOGY.subscriptions['search.products']).toBeDefined();
    await app.close();
  });
});
