import { Faults } from '@bazaar/service-kit';
import type { Config } from '../config.js';
import type { PaymentProvider } from './provider.js';
import { TestProvider } from './test-provider.js';

/** The payment providers this process can talk to, by name (`test`, later `stripe`, ...). */
export interface ProviderRegistry {
  get(name: string): PaymentProvider | undefined;
  names(): string[];
}

export function createProviderRegistry(providers: PaymentProvider[]): ProviderRegistry {
  const byName = new Map(providers.map((p) => [p.name, p]));
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}

/**
 * The providers configured for this process. Adding a provider is an adapter in this folder,
 * a line here and its `WEBHOOK_SECRETS_<NAME>` key in config: the saga only uses the names.
 */
export function providersFromConfig(config: Config): ProviderRegistry {
  return createProviderRegistry([
    new TestProvider({
      latencyMs: config.TEST_PROVIDER_LATENCY_MS,
      transientFailures: config.TEST_PROVIDER_TRANSIENT_FAILURES,
      faults: new Faults(config.BAZAAR_FAULTS),
    }),
  ]);
}
