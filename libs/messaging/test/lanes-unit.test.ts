import { Acks, DeliveryLanes, laneOf } from '../src/lanes.js';

function message(deliveryTag: number) {
  return { fields: { deliveryTag } };
}

describe('Acks', () => {
  it('when deliveries settle out of order, then each is acked alone until the oldest open one settles, which acks in one frame', () => {
    const sent: Array<[number, boolean]> = [];
    const acks = new Acks<ReturnType<typeof message>>((m, all) =>
      sent.push([m.fields.deliveryTag, all]),
    );
    const [one, two, three, four, five] = [1, 2, 3, 4, 5].map(message);
    for (const m of [one, two, three, four, five]) acks.received(m!);

    acks.settle([two!, four!]);
    expect(sent).toEqual([
      [2, false],
      [4, false],
    ]);
    acks.settle([one!]);
    expect(sent.at(-1)).toEqual([1, true]);
    // Three was republished (acked elsewhere): forgotten, it no longer holds five back.
    acks.forget(three!);
    acks.settle([five!]);
    expect(sent.at(-1)).toEqual([5, true]);
    expect(sent).toHaveLength(4);
  });

  it('when a batch settles while an earlier delivery is being republished, then no frame covers that delivery', () => {
    const sent: Array<[number, boolean]> = [];
    const acks = new Acks<ReturnType<typeof message>>((m, all) =>
      sent.push([m.fields.deliveryTag, all]),
    );
    const [one, two, three] = [1, 2, 3].map(message);
    for (const m of [one, two, three]) acks.received(m!);
    acks.settle([two!, three!]);
    expect(sent).toEqual([
      [2, false],
      [3, false],
    ]);
  });
});

describe('DeliveryLanes', () => {
  it('when deliveries of one key arrive while its lane is busy, then they are applied after it, in order, and other lanes do not wait', async () => {
    const keyA = 'a';
    const keyB = ['b', 'c', 'd', 'e', 'f'].find((k) => laneOf(k, 2) !== laneOf(keyA, 2))!;
    const applied: string[][] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const lanes = new DeliveryLanes<string>(2, 2, async (batch) => {
      applied.push(batch);
      if (batch[0] === 'a0') await released;
    });
    const held = lanes.push('a0', keyA)!;
    await new Promise((resolve) => setImmediate(resolve));
    lanes.push('a1', keyA);
    lanes.push('a2', keyA);
    lanes.push('a3', keyA);
    const other = lanes.push('b0', keyB)!;
    await other;
    expect(applied).toEqual([['a0'], ['b0']]);
    release();
    await held;
    expect(applied).toEqual([['a0'], ['b0'], ['a1', 'a2'], ['a3']]);
  });

  it('when the channel is gone, then waiting deliveries are dropped and new ones refused', async () => {
    const applied: number[][] = [];
    const lanes = new DeliveryLanes<number>(1, 10, async (batch) => {
      applied.push(batch);
    });
    const work = lanes.push(1, 'k')!;
    lanes.discard();
    expect(lanes.push(2, 'k')).toBeUndefined();
    await work;
    expect(applied).toEqual([]);
  });

  it('spreads keys over the lanes and always puts one key in the same lane', () => {
    const used = new Set(Array.from({ length: 100 }, (_, i) => laneOf(`order-${i}`, 4)));
    expect(used).toEqual(new Set([0, 1, 2, 3]));
    expect(laneOf('order-7', 4)).toBe(laneOf('order-7', 4));
  });
});
