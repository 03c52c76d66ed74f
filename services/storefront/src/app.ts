import { authPlugin, bearerAuthScheme } from '@bazaar/auth';
import { commonAppOptions, createApp, internalEndpoints, type App } from '@bazaar/service-kit';
import { jwksUrl, trustProxySetting, type Config } from './config.js';
import { rateLimits } from './plugins/rate-limits.js';
import { security } from './plugins/security.js';
import { accountRoutes } from './routes/account/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { authRoutes } from './routes/auth/index.js';
import { cartRoutes } from './routes/carts/index.js';
import { catalogRoutes } from './routes/catalog/index.js';
import { orderRoutes } from './routes/orders/index.js';
import { paymentMethodRoutes } from './routes/payment-methods/index.js';
import { paymentWebhookRoutes } from './routes/payments/index.js';
import type { RouteDeps } from './routes/route-deps.js';
import { searchRoutes } from './routes/search/index.js';

const TAGS = [
  { name: 'auth', description: 'Accounts and tokens (stricter rate limits)' },
  { name: 'account', description: 'The shopper’s profile and addresses' },
  { name: 'catalog', description: 'Categories, products and search' },
  { name: 'carts', description: 'Carts, open to anyone' },
  { name: 'orders', description: 'Checkout, order history, live status, cancel' },
  { name: 'payments', description: 'Saved payment methods, provider webhooks' },
  { name: 'admin', description: 'Catalog and fulfilment; the admin role' },
];

/**
 * The storefront: the one public API. Security headers, CORS, token checks and rate limits
 * here; every answer composed from the internal services, whose failures become public
 * problems (4xx passed through, a service down is 503 with `Retry-After`).
 */
export async function buildApp(config: Config, deps: RouteDeps): Promise<App> {
  const app = await createApp({
    name: 'storefront',
    version: '0.1.0',
    description:
      'The Bazaar public API for shoppers and admins. Authenticate with `Authorization: Bearer ' +
      '<accessToken>` from `/v1/auth/login`. Errors are `application/problem+json`. Rate limits ' +
      'answer `429` with `Retry-After` and `RateLimit-*` headers.',
    ...commonAppOptions(config),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    openapi: { components: { securitySchemes: bearerAuthScheme }, tags: TAGS },
  });

  await app.register(internalEndpoints);
  await app.register(security, { config });
  await app.register(authPlugin, {
    jwksUrl: jwksUrl(config),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  await app.register(rateLimits, { config });

  for (const routes of [
    authRoutes,
    accountRoutes,
    catalogRoutes,
    searchRoutes,
    cartRoutes,
    paymentMethodRoutes,
    orderRoutes,
    paymentWebhookRoutes,
    adminRoutes,
  ]) {
    await app.register(routes, deps);
  }
  return app;
}
