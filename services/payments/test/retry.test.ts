import { withRetries } from '../src/domain/retry.js';
import { ProviderTransientError } from '../src/providers/provider.js';

const policy = { attempts: 3, backoffMs: 1 };

describe('provider retries', () => {
  it('when the call succeeds at once, then there is one try and no failure', async () => {
    await expect(withRetries(async () => 'ok', policy)).resolves.toEqual({
      ok: true,
      value: 'ok',
      failures: [],
    });
  });

  it('when transient errors stop before the limit, then the value comes with the failures', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      if (calls < 3) throw new ProviderTransientError(`try ${calls}`);
      return calls;
    }, policy);
    expect(result).toMatchObject({ ok: true, value: 3 });
    expect(result.failures.map((e) => e.message)).toEqual(['try 1', 'try 2']);
  });

  it('when every try fails transiently, then it gives up after the limit', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      throw new ProviderTransientError('down');
    }, policy);
    expect(calls).toBe(3);
    expect(result).toMatchObject({ ok: false, transient: true });
  });

  it('when an error is not transient, then it is not retried', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      throw 'boom';
    }, policy);
    expect(calls).toBe(1);
    expect(result).toMatchObject({ ok: false, transient: false });
    expect(result.failures[0]?.message).toBe('boom');
  });

  it('when a try does not answer within the timeout, then it counts as a transient failure and is tried again', async () => {
    let calls = 0;
    const result = await withRetries(
      () => {
        calls++;
        // The first try never answers (a provider that hangs); the second answers at once.
        return calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve('ok');
      },
      { ...policy, timeoutMs: 50 },
    );
    expect(result).toMatchObject({ ok: true, value: 'ok' });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toBeInstanceOf(ProviderTransientError);
    expect(result.failures[0].message).toContain('50 ms');
  });
});
