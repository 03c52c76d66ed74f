/**
 * The deliveries of one channel, in lanes: each delivery goes to the lane its key picks, and
 * each lane applies its deliveries in batches of at most `max`, in delivery order, one batch at a
 * time, while the other lanes apply theirs. So deliveries with the same key keep their order,
 * and a slow batch holds up only its own lane. In a lane, the first delivery waits one turn of
 * the event loop for the rest of its burst, and whatever arrives while a batch is applied forms
 * the next one.
 */
export class DeliveryLanes<T> {
  private readonly lanes: Array<{ waiting: T[]; draining: Promise<void> | undefined }>;
  private discarded = false;

  constructor(
    count: number,
    private readonly max: number,
    private readonly apply: (batch: T[]) => Promise<void>,
  ) {
    this.lanes = Array.from({ length: Math.max(1, count) }, () => ({
      waiting: [],
      draining: undefined,
    }));
  }

  /** Queues a delivery in its key's lane; returns the work that will handle it (undefined once discarded). */
  push(item: T, key: string): Promise<void> | undefined {
    if (this.discarded) return undefined;
    const lane = this.lanes[this.lanes.length === 1 ? 0 : laneOf(key, this.lanes.length)]!;
    lane.waiting.push(item);
    lane.draining ??= this.drain(lane);
    return lane.draining;
  }

  /** The channel is gone: what waits is dropped (the broker redelivers it). */
  discard(): void {
    this.discarded = true;
    for (const lane of this.lanes) lane.waiting = [];
  }

  private async drain(lane: { waiting: T[]; draining: Promise<void> | undefined }): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const batch = lane.waiting.splice(0, Math.max(1, this.max));
      if (batch.length === 0) {
        lane.draining = undefined;
        return;
      }
      // `apply` settles every delivery itself (a failure closes the channel): never throws.
      await this.apply(batch).catch(() => undefined);
    }
  }
}

/** FNV-1a of the key, to a lane number. */
export function laneOf(key: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}

/**
 * The acknowledgements of one channel, where lanes settle deliveries out of order. Deliveries
 * settled by a commit are acked in one frame (`multiple`) when no earlier delivery is still
 * open, each on its own otherwise; a delivery acked elsewhere (republished for a retry or to the
 * dead-letter queue) is only forgotten. A `multiple` ack never covers an open delivery.
 */
export class Acks<M extends { fields: { deliveryTag: number } }> {
  /** Deliveries received and not yet acked, in delivery (ascending tag) order. */
  private readonly open: M[] = [];

  constructor(private readonly ack: (message: M, allUpTo: boolean) => void) {}

  received(message: M): void {
    this.open.push(message);
  }

  /** These deliveries' effects committed: ack them. */
  settle(messages: M[]): void {
    for (const message of messages) this.forget(message);
    const last = messages.reduce((a, b) => (a.fields.deliveryTag > b.fields.deliveryTag ? a : b));
    const oldest = this.open[0];
    if (!oldest || oldest.fields.deliveryTag > last.fields.deliveryTag) {
      this.ack(last, true);
      return;
    }
    for (const message of messages) this.ack(message, false);
  }

  /** This delivery was acked elsewhere (or is being settled). */
  forget(message: M): void {
    // Settled deliveries are mostly among the oldest open ones: found near the front.
    const at = this.open.indexOf(message);
    if (at >= 0) this.open.splice(at, 1);
  }
}
