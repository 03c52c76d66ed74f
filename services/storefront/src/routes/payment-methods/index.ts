import type { App } from '@bazaar/service-kit';
import { exchangeCard } from '../../domain/checkout.js';
import { bearer, problems } from '../common-schemas.js';
import { passOn, relay } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import { PaymentMethod, SavePaymentMethodBody, SavePaymentMethodHeaders } from './schemas.js';

/** `POST /v1/payment-methods`: a card saved once, then used by id at checkout. */
export async function paymentMethodRoutes(app: App, deps: RouteDeps): Promise<void> {
  app.post(
    '/v1/payment-methods',
    {
      preValidation: [app.requireUser, app.limitPerUser],
      schema: {
        tags: ['payments'],
        operationId: 'savePaymentMethod',
        summary: 'Save a card as a payment method',
        description:
          'The card is vaulted at payments (only brand, last four and expiry are kept) and ' +
          'answered as `{ id, brand, last4 }`; check out with `payment: { methodId: id }`. ' +
          'Idempotent by `Idempotency-Key`: the same key and card give the same method again.',
        security: bearer,
        headers: SavePaymentMethodHeaders,
        body: SavePaymentMethodBody,
        response: { 201: PaymentMethod, ...problems(400, 401, 422) },
      },
    },
    async (request, reply) => {
      const exchanged = await exchangeCard(deps, request.body.card, passOn(request));
      return relay(request, reply, 'refused' in exchanged ? exchanged.refused : exchanged.answer);
    },
  );
}
