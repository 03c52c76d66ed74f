import { Transform, type TransformCallback } from 'node:stream';

/** Statuses after which the order page has nothing left to wait for. */
export const SETTLED = new Set(['confirmed', 'cancelled', 'shipped']);

function settles(block: string): boolean {
  if (!/^event: ?status$/m.test(block)) return false;
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  try {
    return SETTLED.has((JSON.parse(data) as { status?: string }).status ?? '');
  } catch {
    return false;
  }
}

/**
 * Passes server-sent events through whole, and ends the stream after the event that settles the
 * order (confirmed, cancelled, shipped): the page then closes its EventSource on the stream's
 * end instead of aborting a live request, and orders drops its listener at once.
 */
export function untilSettled(): Transform {
  let pending = '';
  let done = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (done) return callback();
      pending += chunk.toString('utf8').replace(/\r\n?/g, '\n');
      let end: number;
      while (!done && (end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        this.push(block);
        if (settles(block)) {
          done = true;
          this.push(null);
        }
      }
      callback();
    },
    flush(callback) {
      if (!done && pending) this.push(pending);
      callback();
    },
  });
}
