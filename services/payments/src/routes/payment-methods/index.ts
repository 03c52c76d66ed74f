import type { App } from '@bazaar/service-kit';
import { createPaymentMethod, getPaymentMethod } from '../../domain/create-payment-method.js';
import { errors } from '../../errors.js';
import type { RouteDeps } from '../route-deps.js';
import { createPaymentMethodSchema, getPaymentMethodSchema } from './schemas.js';

/**
 * `POST /internal/payment-methods` (idempotent by `Idempotency-Key` per shopper) and
 * `GET /internal/payment-methods/:id` (the shopper's own only), in their own encapsulated context: its JSON parser answers a
 * malformed body with a fixed message, because the default one quotes part of the body in its
 * error (and this body holds a card number).
 */
export async function paymentMethodRoutes(app: App, { db, ctx }: RouteDeps): Promise<void> {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(errors.PAYMENTS_INVALID_BODY('the body is not valid JSON'), undefined);
    }
  });

  app.post(
    '/internal/payment-methods',
    { schema: createPaymentMethodSchema, onRequest: app.requireUser },
    async (request, reply) => {
      const { method, replayed } = await createPaymentMethod(
        { ...ctx, log: request.log },
        db,
        request.user!.id,
        request.body.card,
        request.headers['idempotency-key'],
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(method);
    },
  );

  app.get(
    '/internal/payment-methods/:id',
    { schema: getPaymentMethodSchema, onRequest: app.requireUser },
    async (request) => getPaymentMethod(db, request.user!.id, request.params.id),
  );
}
