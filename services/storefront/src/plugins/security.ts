import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';
import { corsOrigins, type Config } from '../config.js';

/**
 * Security headers (helmet) and CORS for browsers on the configured origins only. The API
 * sends JSON, so the CSP is strict; Swagger UI at `/docs` needs its own scripts and styles.
 */
export const security = fp(
  async (app, options: { config: Config }) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
          frameAncestors: ["'none'"],
        },
      },
      // The API is called cross-origin by the configured web shops.
      crossOriginResourcePolicy: { policy: 'same-site' },
    });
    const origins = corsOrigins(options.config.CORS_ORIGINS);
    await app.register(cors, {
      origin: origins.length > 0 ? origins : false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'idempotency-key',
        'x-request-id',
        'last-event-id',
      ],
      exposedHeaders: [
        'location',
        'retry-after',
        'x-request-id',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'ratelimit-policy',
      ],
      maxAge: 600,
    });
  },
  { name: 'security' },
);
