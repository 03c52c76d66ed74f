import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { errors } from '../errors.js';

/** A preValidation/onRequest hook applying one more limit to a request. */
export type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Per shopper (after authentication): `RATE_LIMIT_USER_PER_MINUTE`. */
    limitPerUser: LimitHook;
    /** Per client IP, shared by every `/v1/auth/*` route: `RATE_LIMIT_AUTH_PER_MINUTE`. */
    limitAuth: LimitHook;
  }
}

const WINDOW_MS = 60_000;
const WINDOW_SECONDS = WINDOW_MS / 1000;

function tooMany(max: number, retryAfter: number) {
  return errors.STOREFRONT_RATE_LIMITED(
    `more than ${max} requests in ${WINDOW_SECONDS} s; retry in ${retryAfter} s`,
    {},
    { 'retry-after': String(retryAfter) },
  );
}

interface LimitResult {
  max: number;
  remaining: number;
  ttlInSeconds: number;
  isExceeded: boolean;
  isAllowed: boolean;
}

/**
 * Headers of the IETF RateLimit draft: `RateLimit-Limit`, `-Remaining`, `-Reset` and
 * `RateLimit-Policy` (`<limit>;w=<window>`). With several limits on one request (IP, auth,
 * shopper), the one closest to running out is shown.
 */
function showLimit(
  reply: FastifyReply,
  result: Pick<LimitResult, 'max' | 'remaining' | 'ttlInSeconds'>,
): void {
  const shown = reply.getHeader('ratelimit-remaining');
  if (shown !== undefined && Number(shown) < result.remaining) return;
  reply.header('ratelimit-limit', result.max);
  reply.header('ratelimit-remaining', result.remaining);
  reply.header('ratelimit-reset', result.ttlInSeconds);
  reply.header('ratelimit-policy', `${result.max};w=${WINDOW_SECONDS}`);
}

/**
 * Rate limits, in memory per replica (a Redis store is the next step when replicas multiply):
 * every route registered after this plugin is limited per client IP (`request.ip`, which honours
 * `TRUST_PROXY`); `/v1/auth/*` routes add a stricter shared per-IP limit (`limitAuth`) and
 * authenticated routes a per-shopper one (`limitPerUser`). 429 answers are problem+json with
 * `Retry-After`. With `BAZAAR_RATE_LIMITS=off` (load tests) the hooks do nothing.
 */
export const rateLimits = fp(
  async (app, options: { config: Config }) => {
    const { config } = options;
    if (config.BAZAAR_RATE_LIMITS === 'off') {
      const none: LimitHook = async () => undefined;
      app.decorate('limitPerUser', none);
      app.decorate('limitAuth', none);
      return;
    }
    await app.register(rateLimit, {
      global: true,
      hook: 'onRequest',
      max: config.RATE_LIMIT_IP_PER_MINUTE,
      timeWindow: WINDOW_MS,
      enableDraftSpec: true,
      keyGenerator: (request) => `ip:${request.ip}`,
      errorResponseBuilder: (_request, context) =>
        tooMany(context.max, Math.max(1, Math.ceil(context.ttl / 1000))),
    });
    // The tightest extra limit of each request, shown on the way out: the plugin's own hook
    // may run after ours and write its (per-IP) figures over them.
    const tightest = new WeakMap<FastifyRequest, LimitResult>();
    app.addHook('onSend', async (request, reply) => {
      const limit = reply.getHeader('ratelimit-limit');
      if (limit !== undefined && reply.getHeader('ratelimit-policy') === undefined) {
        reply.header('ratelimit-policy', `${limit};w=${WINDOW_SECONDS}`);
      }
      const extra = tightest.get(request);
      if (extra) showLimit(reply, extra);
    });

    const limiter = (
      max: number,
      key: (request: FastifyRequest) => string | undefined,
    ): LimitHook => {
      const check = app.createRateLimit({
        max,
        timeWindow: WINDOW_MS,
        keyGenerator: (r) => key(r) ?? '',
      });
      return async (request, reply) => {
        if (key(request) === undefined) return;
        const result = (await check(request)) as LimitResult;
        if (result.isAllowed) return;
        const before = tightest.get(request);
        if (!before || result.remaining < before.remaining) tightest.set(request, result);
        if (result.isExceeded) {
          showLimit(reply, result);
          throw tooMany(result.max, Math.max(1, result.ttlInSeconds));
        }
      };
    };
    app.decorate(
      'limitPerUser',
      limiter(config.RATE_LIMIT_USER_PER_MINUTE, (request) =>
        request.user ? `user:${request.user.id}` : undefined,
      ),
    );
    app.decorate(
      'limitAuth',
      limiter(config.RATE_LIMIT_AUTH_PER_MINUTE, (request) => `auth:${request.ip}`),
    );
  },
  { name: 'rate-limits' },
);
