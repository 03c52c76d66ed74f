import { v7 as uuidv7 } from 'uuid';
import { signWebhook } from '../src/providers/bazaar-signature.js';
import {
  CARDS,
  reserved,
  settled,
  written,
  startPayments,
  type Harness,
} from './support/harness.js';

const NEW_SECRET = 'whsec_new_secret_0000001';
const OLD_SECRET = 'whsec_old_secret_0000001';

describe('POST /v1/payments/webhooks/:provider', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments('webhooks', {
      env: { WEBHOOK_SECRETS_TEST: `${NEW_SECRET},${OLD_SECRET}` },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  /** An order authorized through the saga; returns its provider reference. */
  async function authorizedOrder() {
    const userId = uuidv7();
    const orderId = uuidv7();
    const methodId = await h.createMethod(userId, CARDS.visa);
    await h.publish('stock.reserved', reserved(orderId, userId, methodId, 7000));
    await h.events!.waitFor(
      (e) => e.type === 'payment.authorized' && (e.data as { orderId: string }).orderId === orderId,
    );
    const payment = await h.database.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    return { userId, orderId, payment, reference: payment.provider_reference! };
  }

  function send(
    body: string,
    signature: string | undefined,
    provider = 'test',
    contentType = 'application/json',
  ) {
    return h.app.inject({
      method: 'POST',
      url: `/v1/payments/webhooks/${provider}`,
      headers: {
        'content-type': contentType,
        ...(signature ? { 'bazaar-signature': signature } : {}),
      },
      payload: body,
    });
  }

  function event(type: string, reference: string, extra: object = {}) {
    return JSON.stringify({ id: `evt_${uuidv7()}`, type, data: { reference, ...extra } });
  }

  async function paymentOf(orderId: string) {
    return h.database.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
  }

  async function attempts(paymentId: string) {
    return h.database.db
      .selectFrom('payment_attempts')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .orderBy('id')
      .execute();
  }

  it('when a validly signed charge.captured arrives, then the payment is captured and the ledger says so', async () => {
    const { orderId, payment, reference } = await authorizedOrder();
    const body = event('charge.captured', reference);
    const response = await send(body, signWebhook(body, NEW_SECRET));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ received: true, duplicate: false, outcome: 'applied' });
    expect((await paymentOf(orderId)).status).toBe('captured');
    expect((await attempts(payment.id)).at(-1)).toMatchObject({
      operation: 'capture',
      source: 'webhook',
      amount: 7000,
    });
  });

  it('when the same event is replayed, then it is acknowledged as a duplicate and has no second effect', async () => {
    const { orderId, payment, reference } = await authorizedOrder();
    const body = event('charge.refunded', reference);
    const signature = signWebhook(body, NEW_SECRET);
    const first = await send(body, signature);
    expect(first.json()).toMatchObject({ duplicate: false, outcome: 'applied' });
    const replay = await send(body, signature);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ duplicate: true });
    expect(await attempts(payment.id)).toHaveLength(2);
    await h.events!.waitFor(
      (e) => e.type === 'payment.refunded' && (e.data as { orderId: string }).orderId === orderId,
    );
    await settled(h);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
    expect((await paymentOf(orderId)).status).toBe('refunded');
  });

  it('when the body is tampered with after signing, then 400 and nothing changes', async () => {
    const { orderId, payment, reference } = await authorizedOrder();
    const body = event('charge.refunded', reference, { amount: { amount: 7000, currency: 'EUR' } });
    const signature = signWebhook(body, NEW_SECRET);
    const response = await send(body.replace('7000', '1'), signature);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_INVALID_SIGNATURE' });
    expect((await paymentOf(orderId)).status).toBe('authorized');
    expect(await attempts(payment.id)).toHaveLength(1);
    const stored = await h.database.db.selectFrom('webhook_events').select('event_id').execute();
    expect(stored.map((r) => r.event_id)).not.toContain(JSON.parse(body).id);
  });

  it('when signed with a secret the endpoint does not hold, then 400', async () => {
    const { orderId, reference } = await authorizedOrder();
    const body = event('charge.captured', reference);
    const response = await send(body, signWebhook(body, 'whsec_attacker_secret_01'));
    expect(response.statusCode).toBe(400);
    expect((await paymentOf(orderId)).status).toBe('authorized');
  });

  it('when the timestamp is older than five minutes, then 400 even with a right signature', async () => {
    const { orderId, reference } = await authorizedOrder();
    const body = event('charge.captured', reference);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await send(body, signWebhook(body, NEW_SECRET, stale));
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/tolerance/);
    expect((await paymentOf(orderId)).status).toBe('authorized');
  });

  it('when the signature header is missing, then 400', async () => {
    const response = await send(event('charge.captured', 'auth_x'), undefined);
    expect(response.statusCode).toBe(400);
  });

  it('when signed with the previous secret during rotation, then it is accepted', async () => {
    const { orderId, reference } = await authorizedOrder();
    const body = event('charge.voided', reference);
    const response = await send(
      body,
      signWebhook(body, OLD_SECRET),
      'test',
      'application/octet-stream',
    );
    expect(response.statusCode).toBe(200);
    expect((await paymentOf(orderId)).status).toBe('voided');
  });

  it('when the provider is unknown, then 404', async () => {
    const body = event('charge.captured', 'auth_x');
    const response = await send(body, signWebhook(body, NEW_SECRET), 'acme');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_PROVIDER_NOT_FOUND' });
  });

  it('when a signed event names no known payment or is of another type, then it is acknowledged without effect', async () => {
    const unknown = event('charge.captured', 'auth_000000000000000000000000');
    expect((await send(unknown, signWebhook(unknown, NEW_SECRET))).json()).toMatchObject({
      outcome: 'unknown_payment',
    });
    const other = JSON.stringify({ id: `evt_${uuidv7()}`, type: 'customer.updated', data: {} });
    expect((await send(other, signWebhook(other, NEW_SECRET))).json()).toMatchObject({
      outcome: 'ignored',
    });
  });

  it('when an event does not apply to the payment any more, then it has no effect', async () => {
    const { orderId, reference } = await authorizedOrder();
    const refund = event('charge.refunded', reference);
    await send(refund, signWebhook(refund, NEW_SECRET));
    const capture = event('charge.captured', reference);
    const response = await send(capture, signWebhook(capture, NEW_SECRET));
    expect(response.json()).toMatchObject({ duplicate: false, outcome: 'no_change' });
    expect((await paymentOf(orderId)).status).toBe('refunded');
  });

  it('when a correctly signed body is not an event, then 400', async () => {
    const body = 'this is not json';
    const response = await send(body, signWebhook(body, NEW_SECRET), 'test', 'text/plain');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'PAYMENTS_INVALID_WEBHOOK' });
  });

  it('when the provider refunded first, then a later order.cancelled refunds nothing more', async () => {
    const { orderId, userId, reference } = await authorizedOrder();
    const body = event('charge.refunded', reference);
    await send(body, signWebhook(body, NEW_SECRET));
    const voids = h.provider.calls.void + h.provider.calls.refund;
    const cancel = await h.publish('order.cancelled', {
      orderId,
      userId,
      reason: 'customer_cancelled',
    });
    await settled(h, [cancel]);
    expect(h.provider.calls.void + h.provider.calls.refund).toBe(voids);
    expect(await written(h, 'payment.refunded', orderId)).toHaveLength(1);
  });
});
