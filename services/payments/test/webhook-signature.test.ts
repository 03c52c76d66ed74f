import { signWebhook, verifyWebhookSignature } from '../src/providers/bazaar-signature.js';
import { WebhookSignatureError } from '../src/providers/provider.js';

const body = Buffer.from('{"id":"evt_1","type":"charge.captured"}');
const secret = 'whsec_current_secret_0001';
const old = 'whsec_previous_secret_0001';
const now = new Date('2026-11-23T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

function verify(header: string | undefined, secrets: string[] = [secret], rawBody = body) {
  return () => verifyWebhookSignature({ header, rawBody, secrets, now });
}

describe('Bazaar webhook signatures', () => {
  it('when the body is signed with the secret, then it verifies', () => {
    expect(verify(signWebhook(body, secret, t))).not.toThrow();
  });

  it('when the sender signs with two secrets during rotation, then either receiver secret verifies', () => {
    const header = signWebhook(body, [secret, old], t);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verify(header, [old])).not.toThrow();
    expect(verify(header, [secret])).not.toThrow();
  });

  it('when the receiver holds the old and the new secret, then a body signed with either verifies', () => {
    expect(verify(signWebhook(body, old, t), [secret, old])).not.toThrow();
  });

  it('when one byte of the body changes, then it is refused', () => {
    const header = signWebhook(body, secret, t);
    expect(verify(header, [secret], Buffer.from(body.toString().replace('1', '2')))).toThrow(
      'no signature matches the body',
    );
  });

  it('when signed with another secret, then it is refused', () => {
    expect(verify(signWebhook(body, 'whsec_somebody_else_00', t))).toThrow(WebhookSignatureError);
  });

  it('when the timestamp is more than five minutes away, then it is refused', () => {
    expect(verify(signWebhook(body, secret, t - 301))).toThrow('tolerance');
    expect(verify(signWebhook(body, secret, t + 301))).toThrow('tolerance');
    expect(verify(signWebhook(body, secret, t - 299))).not.toThrow();
  });

  it('when the timestamp is changed after signing, then the signature no longer matches', () => {
    const header = signWebhook(body, secret, t).replace(`t=${t}`, `t=${t + 1}`);
    expect(verify(header)).toThrow('no signature matches');
  });

  it('when the header is missing or malformed, then it is refused', () => {
    expect(verify(undefined)).toThrow('missing bazaar-signature header');
    expect(verify('v1=abc')).toThrow('no timestamp');
    expect(verify(`t=${t}`)).toThrow('no v1 signature');
    expect(verify(`t=${t},v1=zz`)).toThrow('no v1 signature');
    expect(verify(`t=${t},v0=${'a'.repeat(64)}`)).toThrow('no v1 signature');
  });

  it('when the header comes twice, then the first is used', () => {
    expect(() =>
      verifyWebhookSignature({
        header: [signWebhook(body, secret, t), 'junk'],
        rawBody: body,
        secrets: [secret],
        now,
      }),
    ).not.toThrow();
  });
});
