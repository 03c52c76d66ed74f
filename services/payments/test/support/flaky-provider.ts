import { ProviderTransientError, type Money } from '../../src/providers/provider.js';
import { TestProvider } from '../../src/providers/test-provider.js';

/**
 * A second provider adapter, registered by name like any other: behaves as the test provider
 * except that its first `failVoids` voids and refunds, and its first `failCaptures` captures,
 * fail transiently. Shows a provider is added without touching the saga, and drives the
 * runner's retry path.
 */
export class FlakyProvider extends TestProvider {
  /** Voids and refunds tried, failed ones included. */
  releaseTries = 0;
  /** Captures tried, failed ones included. */
  captureTries = 0;
  private voidFailures = 0;
  private captureFailures = 0;

  constructor(
    private readonly failVoids: number,
    private readonly failCaptures = 0,
  ) {
    super({ name: 'flaky' });
  }

  private flaky(): void {
    this.releaseTries++;
    if (this.voidFailures < this.failVoids) {
      this.voidFailures++;
      throw new ProviderTransientError('flaky provider: gateway timeout');
    }
  }

  override async capture(input: { reference: string; amount: Money; idempotencyKey: string }) {
    this.captureTries++;
    if (this.captureFailures < this.failCaptures) {
      this.captureFailures++;
      throw new ProviderTransientError('flaky provider: 503 service unavailable');
    }
    return super.capture(input);
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
