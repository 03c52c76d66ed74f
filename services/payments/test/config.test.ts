import { ConfigError } from '@bazaar/service-kit';
import { LOCAL_WEBHOOK_SECRET, loadServiceConfig } from '../src/config.js';

describe('payments config', () => {
  it('when nothing is set outside production, then the local webhook secret is used', () => {
    const config = loadServiceConfig({ NODE_ENV: 'development' });
    expect(config.webhookSecrets.test).toEqual([LOCAL_WEBHOOK_SECRET]);
    expect(config.TEST_PROVIDER_LATENCY_MS).toBe(0);
    expect(config.TEST_PROVIDER_TRANSIENT_FAILURES).toBeUndefined();
    expect(config.PROVIDER_OPERATIONS_RETENTION_HOURS).toBe(24);
    expect(config.PROVIDER_OPERATIONS_PRUNE_INTERVAL_SECONDS).toBe(600);
    expect(config.PROVIDER_OPERATIONS_POLL_MS).toBe(1000);
  });

  it('when several secrets are given, then all are kept in order', () => {
    const config = loadServiceConfig({
      WEBHOOK_SECRETS_TEST: 'whsec_new_secret_0000001, whsec_old_secret_0000001',
      TEST_PROVIDER_TRANSIENT_FAILURES: '2',
    });
    expect(config.webhookSecrets.test).toEqual([
      'whsec_new_secret_0000001',
      'whsec_old_secret_0000001',
    ]);
    expect(config.TEST_PROVIDER_TRANSIENT_FAILURES).toBe(2);
  });

  it('when production has no webhook secret, then loading fails naming the key', () => {
    expect(() => loadServiceConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadServiceConfig({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRETS_TEST/);
  });

  it('when one of several secrets is too short, then loading fails', () => {
    expect(() =>
      loadServiceConfig({ WEBHOOK_SECRETS_TEST: 'whsec_long_enough_secret,short' }),
    ).toThrow(/at least 16/);
  });
});
