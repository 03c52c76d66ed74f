import type { ServiceClient, StreamResponse } from '@bazaar/http-client';
import { errors } from '../errors.js';

/** How long a refused shopper is told to wait: about the time an abandoned tab takes to go. */
const RETRY_AFTER_SECONDS = 10;

export interface StreamLimits {
  /** Streams one shopper may hold open at once (a few tabs). */
  perShopper: number;
  /** Streams this process holds open at once; also the size of their own connection pool. */
  perProcess: number;
}

/**
 * Counts open streams per shopper and in all. Pure bookkeeping: `take` either hands back the
 * function that gives the slot back (idempotent) or says which limit was reached.
 */
export class StreamSlots {
  private readonly byShopper = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: StreamLimits) {}

  get size(): number {
    return this.total;
  }

  take(shopperId: string): (() => void) | 'shopper' | 'process' {
    const held = this.byShopper.get(shopperId) ?? 0;
    if (held >= this.limits.perShopper) return 'shopper';
    if (this.total >= this.limits.perProcess) return 'process';
    this.byShopper.set(shopperId, held + 1);
    this.total += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.total -= 1;
      const left = (this.byShopper.get(shopperId) ?? 1) - 1;
      if (left > 0) this.byShopper.set(shopperId, left);
      else this.byShopper.delete(shopperId);
    };
  }
}

/** Orders' event streams as the storefront opens them: capped, on connections of their own. */
export interface OrderEventStreams {
  /**
   * Opens orders' stream for `shopperId`, or throws `STOREFRONT_TOO_MANY_STREAMS` (429 with
   * `Retry-After`). The slot is held until the answer's body closes (the order reached a final
   * status, orders ended an idle stream, or the shopper went away and the body was destroyed).
   */
  open(shopperId: string, options: Parameters<ServiceClient['stream']>[0]): Promise<StreamResponse>;
  readonly size: number;
}

/**
 * Streams never share the request pool: `client` is a client of orders of its own, whose pool
 * holds `limits.perProcess` connections, so however many streams are open, every other call to
 * orders still finds a connection (a stream holds its connection for as long as it is open).
 */
export function createOrderEventStreams(
  client: Pick<ServiceClient, 'stream'>,
  limits: StreamLimits,
): OrderEventStreams {
  const slots = new StreamSlots(limits);
  return {
    get size() {
      return slots.size;
    },
    async open(shopperId, options) {
      const slot = slots.take(shopperId);
      if (slot === 'shopper' || slot === 'process') {
        throw errors.STOREFRONT_TOO_MANY_STREAMS(
          slot === 'shopper'
            ? `at most ${limits.perShopper} order streams per shopper are open at once; close one`
            : 'too many order streams are open on this server; try again shortly',
          {},
          { 'retry-after': String(RETRY_AFTER_SECONDS) },
        );
      }
      try {
        const response = await client.stream(options);
        response.body.once('close', slot);
        if (response.body.destroyed) slot();
        return response;
      } catch (error) {
        slot();
        throw error;
      }
    },
  };
}
