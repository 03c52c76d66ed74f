import type { App } from '@bazaar/service-kit';
import { getOrderLedger } from '../../domain/order-ledger.js';
import type { RouteDeps } from '../route-deps.js';
import { adminLedgerSchema, ownerLedgerSchema } from './schemas.js';

/** `GET /v1/orders/:id/payments` (the order's owner) and `GET /v1/admin/orders/:id/payments`. */
export async function ledgerRoutes(app: App, { db }: RouteDeps): Promise<void> {
  app.get(
    '/v1/orders/:id/payments',
    { schema: ownerLedgerSchema, onRequest: app.requireUser },
    async (request) => getOrderLedger(db, request.params.id, { userId: request.user!.id }),
  );
  app.get(
    '/v1/admin/orders/:id/payments',
    { schema: adminLedgerSchema, onRequest: app.requireRole('admin') },
    async (request) => getOrderLedger(db, request.params.id, 'admin'),
  );
}
