import { ProviderTransientError, type Money } from '../../src/providers/provider.js';
import { TestProvider } from '../../src/providers/test-provider.js';

/**
 * A second provider adapter, registered by name like any other: behaves as the test provider
 * except that its first `failVoids` voids and refunds fail transiently. Shows a provider is
 * added without touching the saga, and drives the consumer's retry path.
 */
export class FlakyProvider extends TestProvider {
  /** Voids and refunds tried, failed ones included. */
  releaseTries = 0;
  private voidFailures = 0;

  constructor(private readonly failVoids: number) {
    super({ name: 'flaky' });
  }

  private flaky(): void {
    this.releaseTries++;
    if (this.voidFailures < this.failVoids) {
      this.voidFailures++;
      throw new ProviderTransientError('flaky provider: gateway timeout');
    }
  }

  override async void(input: { reference: string; idempotencyKey: string }) {
    this.flaky();
    return super.void(input);
  }

  override async refund(input: { reference: string; amount: Money; idempotencyKey: string }) {
    this.flaky();
    return super.refund(input);
  }
}
