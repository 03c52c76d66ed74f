import { Readable } from 'node:stream';
import { untilSettled } from '../src/routes/until-settled.js';

async function collect(chunks: string[]): Promise<string> {
  let out = '';
  for await (const chunk of Readable.from(chunks).pipe(untilSettled())) out += chunk.toString();
  return out;
}

const event = (id: number, status: string) =>
  `id: ${id}\nevent: status\ndata: {"orderId":"o","status":"${status}","reason":"r","at":"t"}\n\n`;

describe('untilSettled', () => {
  it('when the order settles, then the stream ends right after that event', async () => {
    const out = await collect([
      'retry: 3000\n\n',
      event(1, 'pending'),
      event(2, 'confirmed'),
      ': heartbeat\n\n',
    ]);
    expect(out).toBe(`retry: 3000\n\n${event(1, 'pending')}${event(2, 'confirmed')}`);
  });

  it('when events arrive split across chunks, then they pass through whole', async () => {
    const whole = event(1, 'stock_reserved') + event(2, 'cancelled');
    const out = await collect([whole.slice(0, 17), whole.slice(17, 90), whole.slice(90)]);
    expect(out).toBe(whole);
  });

  it('when nothing settles, then everything passes, heartbeats included', async () => {
    const out = await collect([event(1, 'pending'), ': heartbeat\n\n']);
    expect(out).toBe(`${event(1, 'pending')}: heartbeat\n\n`);
  });
});
