import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { ServiceClient } from '@bazaar/http-client';
import { UpstreamUnavailableError } from '@bazaar/http-client';
import { createApp, internalEndpoints, type App } from '@bazaar/service-kit';
import type { FastifyError, FastifyInstance } from 'fastify';
import { SessionRefusedError, storefrontApi } from './clients/storefront.js';
import { csrfSecret, trustProxySetting, type Config } from './config.js';
import { loadAssets, serveAssets } from './plugins/assets.js';
import { csrfTokenOf, sameToken, sessionPlugin } from './plugins/session.js';
import { accountRoutes } from './routes/account.js';
import { cartRoutes } from './routes/cart.js';
import { catalogRoutes, searchRoutes } from './routes/catalog.js';
import { orderRoutes } from './routes/orders.js';
import { documentPages, PAGE_TAGS } from './routes/page-docs.js';
import { categoryCache, pageContext, sendPage, type RouteDeps } from './routes/page-kit.js';
import { errorPage, notFoundPage } from './views/errors.js';

export interface Dependencies {
  /** The storefront's HTTP client: the only way this service reaches the shop. */
  storefront: ServiceClient;
  /** Where app.js, app.css and icon.svg are. */
  assetsDir: string;
  logStream?: { write(line: string): void };
}

const VERSION = '0.1.0';

/**
 * Security headers of every answer: a CSP allowing scripts, styles, images and connections
 * from this origin only (no `unsafe-inline`: the pages carry no inline script or style), no
 * framing, forms posting only here.
 */
function contentSecurityPolicy(config: Config) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
      ...(config.PUBLIC_URL.startsWith('https:') ? { upgradeInsecureRequests: [] } : {}),
    },
  };
}

export async function buildApp(config: Config, deps: Dependencies): Promise<App> {
  const app = await createApp({
    name: 'web',
    version: VERSION,
    description: 'The web shop: server-rendered pages over the public storefront API.',
    logLevel: config.LOG_LEVEL,
    prettyLogs: config.NODE_ENV === 'development',
    logStream: deps.logStream,
    bodyLimit: 16 * 1024,
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    openapi: { tags: PAGE_TAGS },
  });
  const api = storefrontApi(deps.storefront);
  const assets = loadAssets(deps.assetsDir);
  const routeDeps: RouteDeps = { api, config, assets, categories: categoryCache(api) };

  // Its Ingress routes every path here: health, metrics and the OpenAPI document (which
  // describes pages, for the team) answer only inside the cluster.
  await app.register(internalEndpoints, { docs: true });
  await app.register(helmet, {
    contentSecurityPolicy: contentSecurityPolicy(config),
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  serveAssets(app, assets);

  // Pages in a context of their own: HTML errors and the 404 page here, problem+json for the
  // service kit's routes (health, metrics) outside.
  await app.register(async (pages: FastifyInstance) => {
    documentPages(pages);
    await pages.register(formbody);
    await pages.register(sessionPlugin, { api, csrfSecret: csrfSecret(config) });

    // Every state change needs the CSRF token of this visitor's session.
    pages.addHook('preValidation', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD') return;
      const token = csrfTokenOf(request);
      if (token && sameToken(token, request.session.csrfToken)) return;
      request.log.info('state change without a valid CSRF token refused');
      const ctx = pageContext(routeDeps, request);
      return sendPage(reply, ctx, errorPage(403), 403);
    });

    pages.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof SessionRefusedError) {
        request.log.info('access token refused: signed out');
        request.session.expire();
        const next = request.method === 'GET' ? request.url : '/';
        return reply.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
      }
      const ctx = pageContext(routeDeps, request);
      if (error instanceof UpstreamUnavailableError) {
        request.log.warn({ err: error }, 'the storefront is unavailable');
        reply.header('retry-after', String(error.retryAfter));
        return sendPage(reply, ctx, errorPage(503, error.retryAfter), 503);
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'page failed');
      else request.log.info({ status, err: error.message }, 'request refused');
      return sendPage(reply, ctx, errorPage(status), status >= 400 && status < 600 ? status : 500);
    });

    await pages.register(catalogRoutes, routeDeps);
    await pages.register(searchRoutes, routeDeps);
    await pages.register(cartRoutes, routeDeps);
    await pages.register(accountRoutes, routeDeps);
    await pages.register(orderRoutes, routeDeps);

    // Any other page: the shop's 404 page (other methods keep the kit's problem+json 404).
    pages.get('/*', async (request, reply) =>
      sendPage(reply, pageContext(routeDeps, request), notFoundPage(), 404),
    );
  });
  return app;
}
