import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from './provider.js';

/**
 * The signature scheme of webhooks sent to Bazaar (modelled on Stripe's):
 *
 *     Bazaar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${rawBody}`)>[,v1=<hex>]
 *
 * A sender rotating its secret signs with both (two `v1` values); the receiver accepts any `v1`
 * made with any of its configured secrets. Timestamps more than five minutes away from now are
 * refused, so a captured request cannot be replayed later.
 */
export const SIGNATURE_HEADER = 'bazaar-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: number, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The header value a sender puts on a body: one `v1` per secret given. */
export function signWebhook(
  rawBody: Buffer | string,
  secrets: string | readonly string[],
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [
    `t=${timestamp}`,
    ...list.map((s) => `v1=${hmac(s, timestamp, rawBody).toString('hex')}`),
  ].join(',');
}

interface ParsedHeader {
  timestamp: number;
  signatures: Buffer[];
}

function parseHeader(header: string): ParsedHeader {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) {
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined) throw new WebhookSignatureError('signature header has no timestamp');
  if (signatures.length === 0)
    throw new WebhookSignatureError('signature header has no v1 signature');
  return { timestamp, signatures };
}

/**
 * Checks a webhook's signature header against the raw body with every secret, comparing in
 * constant time; throws `WebhookSignatureError` when none matches or the timestamp is stale.
 */
export function verifyWebhookSignature(options: {
  header: string | string[] | undefined;
  rawBody: Buffer;
  secrets: readonly string[];
  now: Date;
  toleranceSeconds?: number;
}): void {
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  if (!header) throw new WebhookSignatureError(`missing ${SIGNATURE_HEADER} header`);
  const { timestamp, signatures } = parseHeader(header);
  const expected = options.secrets.map((secret) => hmac(secret, timestamp, options.rawBody));
  let matched = false;
  // Every pair is compared (no early exit), so timing says nothing about which one matched.
  for (const signature of signatures) {
    for (const candidate of expected) {
      if (timingSafeEqual(signature, candidate)) matched = true;
    }
  }
  if (!matched) throw new WebhookSignatureError('no signature matches the body');
  const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  const age = Math.floor(options.now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > tolerance) {
    throw new WebhookSignatureError(`timestamp is outside the ${tolerance} s tolerance`);
  }
}
