import { isOfType, type RequestOptions, type ServiceResponse } from '@bazaar/http-client';
import { problemType, type Problem } from '@bazaar/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Upstream } from '../clients/upstreams.js';

/** Headers of an internal answer that mean something to the shopper; the rest stay inside. */
const PASSED_BACK = [
  'location',
  'retry-after',
  'www-authenticate',
  'idempotent-replayed',
  'etag',
  'cache-control',
  'age',
];

/** Problem fields never passed on, whatever a service puts there. */
const WITHHELD = new Set(['stack', 'instance', 'cause', 'trace']);

/**
 * What an internal service receives on a shopper's behalf: the shopper's token (each service
 * checks it itself), the idempotency key, the request id (one id across services in the logs),
 * the client's address, and its `Cache-Control` (a reload asks for a fresh answer). Trace
 * context is added by the HTTP client's instrumentation.
 */
export function passOn(request: FastifyRequest): Record<string, string | undefined> {
  const key = request.headers['idempotency-key'];
  const cacheControl = request.headers['cache-control'];
  return {
    'cache-control': typeof cacheControl === 'string' ? cacheControl : undefined,
    authorization: request.headers.authorization,
    'idempotency-key': typeof key === 'string' ? key : undefined,
    'x-request-id': request.id,
    'x-forwarded-for': request.ip,
  };
}

/** The id in a path, safe to put into an internal path. */
export const segment = (value: string): string => encodeURIComponent(value);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An internal 4xx as the storefront's problem: the service's type, title, detail, code and
 * field errors, the public path as `instance`; nothing a service should not have said.
 */
export function publicProblem(request: FastifyRequest, status: number, body: unknown): Problem {
  const source = isRecord(body) ? body : {};
  const extensions = Object.fromEntries(
    Object.entries(source).filter(([key]) => !WITHHELD.has(key)),
  );
  return {
    ...extensions,
    type: typeof source.type === 'string' ? source.type : problemType(`HTTP_${status}`),
    title: typeof source.title === 'string' ? source.title : 'Request refused',
    status,
    instance: request.url.split('?')[0],
  };
}

function copyHeaders(reply: FastifyReply, response: ServiceResponse): void {
  for (const name of PASSED_BACK) {
    const value = response.headers[name];
    if (value === undefined) continue;
    if (name === 'location' && typeof value === 'string') {
      // A service may answer with its own absolute URL: keep the path only.
      reply.header(name, value.replace(/^[a-z]+:\/\/[^/]+/i, ''));
    } else reply.header(name, value);
  }
}

/** Sends a problem as problem+json, past the route's response schemas. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problem);
}

/** Whether an answer is a 200 of the `passThrough` type asked for, kept as its text. */
const passesThrough = (response: ServiceResponse, passThrough: string | undefined) =>
  passThrough !== undefined &&
  response.status === 200 &&
  typeof response.body === 'string' &&
  isOfType(String(response.headers['content-type']), passThrough);

/**
 * Answers with an internal service's answer: its status, its body through the route's response
 * schema (so only public fields leave), a few meaningful headers; a 4xx as a public problem.
 * A 200 of the `passThrough` type the service was asked for is already the public shape (the
 * service serialized it with the same fields): its text is sent as it is, as JSON, neither
 * parsed nor serialized again.
 */
export function relay(
  request: FastifyRequest,
  reply: FastifyReply,
  response: ServiceResponse,
  passThrough?: string,
): FastifyReply {
  copyHeaders(reply, response);
  if (response.status >= 400) {
    return sendProblem(reply, publicProblem(request, response.status, response.body));
  }
  reply.code(response.status);
  if (response.status === 204 || response.body === undefined) return reply.send();
  if (passesThrough(response, passThrough)) {
    return reply.type('application/json; charset=utf-8').send(response.body);
  }
  return reply.send(response.body);
}

/**
 * Sends the shopper's request on to an internal service (with {@link passOn}'s headers) and
 * relays its answer: what most public routes are, one line each.
 */
export async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  upstream: Pick<Upstream, 'request'>,
  call: Omit<RequestOptions, 'headers'>,
): Promise<FastifyReply> {
  const response = await upstream.request({ ...call, headers: passOn(request) });
  return relay(request, reply, response, call.passThrough);
}
