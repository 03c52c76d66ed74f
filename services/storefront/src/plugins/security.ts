import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import { corsOrigins, type Config } from '../config.js';

/**
 * The API sends JSON, so the CSP is strict; Swagger UI at `/docs` needs its own scripts and
 * styles.
 */
const HELMET: HelmetOptions = {
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
};

/**
 * The headers helmet sets with these options, worked out once: they are the same for every
 * answer, and helmet (through `@fastify/helmet`) rebuilt them, CSP included, at every request —
 * a twelfth of a cached product read's CPU.
 */
export function securityHeaders(options: HelmetOptions = HELMET): [string, string][] {
  const headers: [string, string][] = [];
  const response = {
    setHeader: (name: string, value: string) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/** Security headers (helmet's, on every answer) and CORS for the configured origins only. */
export const security = fp(
  async (app, options: { config: Config }) => {
    // Set among the reply's own headers, names already lower case: Node then checks every header
    // once, as it writes them, instead of at a `setHeader` per header and again for Fastify's
    // headers merged into those (its slow path as soon as one `setHeader` was made).
    const headers = Object.fromEntries(
      securityHeaders().map(([name, value]) => [name.toLowerCase(), value]),
    );
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
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
