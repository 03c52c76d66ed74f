import { InvalidEventError, OutboxBatch } from '../src/index.js';
import { userRegistered } from './support.js';

describe('OutboxBatch.takeRows', () => {
  const ada = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const grace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('when events were added in two traces, then it gives their outbox rows, each with its own trace, and leaves the batch empty', () => {
    const batch = new OutboxBatch();
    const first = userRegistered('Ada');
    const second = userRegistered('Grace');
    batch.add({ type: 'user.registered', data: first, trace: { traceparent: ada } });
    batch.add({ type: 'user.registered', data: second, trace: { traceparent: grace } });

    const rows = batch.takeRows();
    expect(rows).toEqual([
      expect.objectContaining({ type: 'user.registered', traceparent: ada }),
      expect.objectContaining({ type: 'user.registered', traceparent: grace }),
    ]);
    expect(rows.map((row) => JSON.parse(row.data))).toEqual([first, second]);
    expect(batch.takeRows()).toEqual([]);
  });

  it('when an added event is invalid, then it throws InvalidEventError, as writing the batch would', () => {
    const batch = new OutboxBatch();
    batch.add({ type: 'user.registered', data: { userId: 'not a uuid' } as never });
    expect(() => batch.takeRows()).toThrow(InvalidEventError);
  });
});
