import { cachedTokenVerifier } from '../src/verified-tokens.js';
import type { TokenVerifier } from '../src/verifier.js';

/** An unsigned token with these claims: the inner verifier below decides, not the signature. */
function token(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'at+jwt' })}.${part(claims)}.sig`;
}

/** Counts verifications; refuses tokens whose `sub` is `bad`. */
function countingVerifier(): TokenVerifier & { calls: number } {
  const verifier = {
    calls: 0,
    async verify(value: string) {
      verifier.calls += 1;
      const claims = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString());
      if (claims.sub === 'bad') throw new Error('refused');
      return { id: claims.sub as string, roles: ['customer' as const], token: value };
    },
  };
  return verifier;
}

describe('cachedTokenVerifier', () => {
  const start = 1_800_000_000_000;

  it('when the same token comes again, then it is verified once and the same user comes back', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner, { now: () => start });
    const t = token({ sub: 'ada', exp: start / 1000 + 900 });
    const first = await verifier.verify(t);
    const again = await verifier.verify(t);
    expect(inner.calls).toBe(1);
    expect(again).toEqual(first);
    expect(again.token).toBe(t);
  });

  it('when the token has expired since, then it is verified again (and the verifier decides)', async () => {
    const inner = countingVerifier();
    let now = start;
    const verifier = cachedTokenVerifier(inner, { now: () => now, maxAgeMs: 3_600_000 });
    const t = token({ sub: 'ada', exp: start / 1000 + 10 });
    await verifier.verify(t);
    now = start + 10_001;
    await verifier.verify(t);
    expect(inner.calls).toBe(2);
  });

  it('when the longest trust has passed, then the token is verified again even before it expires', async () => {
    const inner = countingVerifier();
    let now = start;
    const verifier = cachedTokenVerifier(inner, { now: () => now, maxAgeMs: 1000 });
    const t = token({ sub: 'ada', exp: start / 1000 + 900 });
    await verifier.verify(t);
    now = start + 1001;
    await verifier.verify(t);
    expect(inner.calls).toBe(2);
  });

  it('when a token is refused, then the refusal is not remembered', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner, { now: () => start });
    const t = token({ sub: 'bad', exp: start / 1000 + 900 });
    await expect(verifier.verify(t)).rejects.toThrow('refused');
    await expect(verifier.verify(t)).rejects.toThrow('refused');
    expect(inner.calls).toBe(2);
  });

  it('when more tokens come than it keeps, then the oldest is forgotten first', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner, { now: () => start, maxEntries: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => token({ sub, exp: start / 1000 + 900 }));
    for (const t of [a, b, c]) await verifier.verify(t);
    await verifier.verify(c);
    await verifier.verify(b);
    expect(inner.calls).toBe(3);
    await verifier.verify(a);
    expect(inner.calls).toBe(4);
  });
});
