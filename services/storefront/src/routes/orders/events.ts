import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrderEventStreams } from '../../clients/order-event-streams.js';
import { passOn, publicProblem, segment, sendProblem } from '../relay.js';

async function readJson(stream: NodeJS.ReadableStream): Promise<unknown> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Passes an order's server-sent events through from orders: the upstream body is streamed as
 * it arrives (no buffering), and when the shopper goes away the upstream request is aborted so
 * orders can release its listener at once. Streams are capped per shopper and per process (429
 * past either) and use connections of their own, never the pool of the other orders calls.
 */
export async function streamOrderEvents(
  streams: OrderEventStreams,
  orderId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const gone = new AbortController();
  reply.raw.on('close', () => gone.abort(new Error('client went away')));
  const lastEventId = request.headers['last-event-id'];
  const upstream = await streams.open(request.user!.id, {
    method: 'GET',
    path: `/v1/orders/${segment(orderId)}/events`,
    headers: {
      ...passOn(request),
      accept: 'text/event-stream',
      'last-event-id': typeof lastEventId === 'string' ? lastEventId : undefined,
    },
    signal: gone.signal,
  });
  if (upstream.status === 204) {
    upstream.body.destroy();
    return reply.code(204).send();
  }
  if (upstream.status !== 200) {
    return sendProblem(
      reply,
      publicProblem(request, upstream.status, await readJson(upstream.body)),
    );
  }
  return reply
    .code(200)
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache, no-transform')
    .header('x-accel-buffering', 'no')
    .send(upstream.body);
}
