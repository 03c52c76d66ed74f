/** What payments said about one of a shopper's saved methods: all a checkout passes on. */
export interface KnownPaymentMethod {
  id: string;
  brand: string;
  last4: string;
}

export interface KnownPaymentMethodsOptions {
  /** Shopper-and-method pairs remembered at most (least recently used out first); default 10,000. */
  maxEntries?: number;
  /** Longest an answer is trusted, ms; default 60 s. */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The saved methods payments confirmed to be a shopper's, per process, for `maxAgeMs`, the way
 * the access-token cache (`cachedTokenVerifier` in @bazaar/auth) keeps verified tokens: a
 * shopper checking out again with the same method costs no call to payments. Kept under the
 * shopper's id and the method's id together, so another shopper's lookup of the same method
 * never meets the owner's entry and still reaches payments (404). Only confirmations are kept:
 * a refusal is asked again every time, so a method created a moment ago works at once.
 *
 * A method never changes once created, and no route deletes one; the age bound is for anything
 * that may come later. A stale entry only lets a checkout reach orders, whose payment step at
 * payments checks the method's owner again and fails the order (`payment.failed`).
 */
export class KnownPaymentMethods {
  private readonly entries = new Map<string, { method: KnownPaymentMethod; until: number }>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: KnownPaymentMethodsOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The shopper's method as payments last confirmed it, while that is fresh. */
  get(shopperId: string, methodId: string): KnownPaymentMethod | undefined {
    const key = `${shopperId} ${methodId}`;
    const kept = this.entries.get(key);
    if (!kept) return undefined;
    this.entries.delete(key);
    if (kept.until <= this.now()) return undefined;
    this.entries.set(key, kept); // most recently used last
    return kept.method;
  }

  /** Remembers that payments confirmed the method to be the shopper's. */
  remember(shopperId: string, method: KnownPaymentMethod): void {
    if (this.maxEntries === 0) return;
    const key = `${shopperId} ${method.id}`;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    const { id, brand, last4 } = method;
    this.entries.set(key, { method: { id, brand, last4 }, until: this.now() + this.maxAgeMs });
  }
}
