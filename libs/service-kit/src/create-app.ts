import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  inRequestContext,
  traceServerRequest,
  tracesServerRequests,
  type ServerRequestTrace,
} from '@bazaar/telemetry';
import type { Context } from '@opentelemetry/api';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { installHealth } from './health.js';
import { loggerOptions, type LogLevel } from './logger.js';
import { installMetrics } from './metrics.js';
import { clientErrorHandler, frameworkErrors, installProblemHandlers } from './problem.js';
import { ProblemSchema } from './schemas.js';
import { validatorCompiler } from './validation.js';

/** A Bazaar Fastify app: TypeBox schemas are the types of routes. */
export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface AppOptions {
  /** Service name: in logs, metrics and the OpenAPI title. */
  name: string;
  version: string;
  description?: string;
  logLevel?: LogLevel;
  prettyLogs?: boolean;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: { write(line: string): void };
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  /** Trust `X-Forwarded-*` from a proxy in front (an ingress): true, or its addresses. */
  trustProxy?: boolean | string;
  /** Process metrics (event loop, memory, GC); off for apps built in tests. */
  processMetrics?: boolean;
  /** Extra OpenAPI components (security schemes) and tags. */
  openapi?: {
    components?: Record<string, unknown>;
    tags?: { name: string; description?: string }[];
  };
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Who answers questions about every service's API (the document's `info.contact`). */
const OPENAPI_CONTACT = { name: 'Bazaar platform team', email: 'platform@bazaar.example' };

/**
 * A relative server URL: the operations are served by the host that served the document (a
 * client generated from it takes its base URL from configuration, local or behind an ingress).
 */
const SAME_HOST = { url: '/', description: 'The host serving this document' };

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> } | undefined>>;
  components?: { schemas?: Record<string, unknown> } & Record<string, unknown>;
}

/**
 * Every operation may be refused with a 4xx its route does not list (413, 414, 415, 431, ...):
 * the document says so once per operation, as a `4XX` problem+json response.
 */
function withRefusals(document: OpenApiDocument): OpenApiDocument {
  const { $id: _id, ...problem } = ProblemSchema;
  const schemas = { ...(document.components?.schemas ?? {}), Problem: problem };
  const refused = {
    description: 'The request was refused; the problem says why',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  for (const path of Object.values(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']) {
      const operation = path[method];
      if (operation) operation.responses = { ...operation.responses, '4XX': refused };
    }
  }
  return { ...document, components: { ...document.components, schemas } };
}

/** Whether a logger writes `info` lines (pino's `isLevelEnabled`; a logger without it: yes). */
const infoEnabled = (log: FastifyBaseLogger): boolean =>
  (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') ?? true;

/**
 * One log line per request instead of Fastify's two ("incoming request", then "request
 * completed"): the completed line carries the request too. Half the logging cost of every
 * request, nothing lost; errors are logged as Fastify logs them.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    // Nothing to write below `info` (a service run at `warn`): no trace context to enter, no
    // line to build. An error is still logged as Fastify logs it, at `error`.
    if (!error && !infoEnabled(reply.log)) return;
    // Written when the answer is sent, outside the request's handling: in its trace context, so
    // the line carries its trace and span ids.
    const traced = (request as TracedRequest)[TRACE_CONTEXT];
    if (traced) {
      inRequestContext(traced, () => this.completed(error, request, reply, metadata));
    } else this.completed(error, request, reply, metadata);
  }

  private completed(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error || this.isLogDisabled(request)) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    reply.log.info(
      { req: request, res: reply, responseTime: reply.elapsedTime },
      'request completed',
    );
  }
}

/** Where a request keeps the trace context it is handled in (its server span's). */
const TRACE_CONTEXT = Symbol('bazaar.traceContext');
type TracedRequest = FastifyRequest & { [TRACE_CONTEXT]?: Context };

/**
 * A server span per request (`traceServerRequest`), named after the route it matched, and the
 * request handled in its context: from `onRequest` (the route is known), and again from
 * `preValidation`, because a body is read in the connection's context, not the request's.
 */
function traceRequests(app: App): void {
  app.decorateRequest(TRACE_CONTEXT, undefined);
  app.addHook('onRequest', (request, reply, done) => {
    const traced: ServerRequestTrace = traceServerRequest({
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      headers: request.headers,
      clientAddress: request.ip,
    });
    (request as TracedRequest)[TRACE_CONTEXT] = traced.context;
    const response = reply.raw;
    response.once('close', () =>
      traced.end(response.headersSent ? response.statusCode : undefined),
    );
    inRequestContext(traced.context, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const traced = (request as TracedRequest)[TRACE_CONTEXT];
    if (traced) inRequestContext(traced, done);
    else done();
  });
}

/**
 * The options every service sets from its `CommonConfig` alike: its log level, pretty logs on a
 * terminal in development, process metrics except in tests. Spread into `createApp`'s options.
 */
export function commonAppOptions(config: {
  NODE_ENV: string;
  LOG_LEVEL: LogLevel;
}): Pick<AppOptions, 'logLevel' | 'prettyLogs' | 'processMetrics'> {
  return {
    logLevel: config.LOG_LEVEL,
    prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
    processMetrics: config.NODE_ENV !== 'test',
  };
}

/**
 * Builds a service's Fastify app with everything a Bazaar service shares: problem+json errors,
 * strict validation, request ids, logging with trace ids, health, metrics and OpenAPI 3.1 at
 * `/docs/json`. Register routes on the returned app; it never listens by itself.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const logger = loggerOptions({
    service: options.name,
    level: options.logLevel ?? 'info',
    pretty: options.prettyLogs ?? false,
  });
  const app = Fastify({
    logger: options.logStream ? { ...(logger as object), stream: options.logStream } : logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
    logController: new OneLinePerRequest(),
    // The validators a response schema's unions need (which branch to write) are compiled while
    // the app starts instead of on the first answer that reaches them: 50–90 ms of Ajv
    // compiling each, paid by the first orders of a busy service.
    serializerOpts: { compileValidators: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // The request's server span, named after the route it matched (`GET /v1/orders/:id`).
  if (tracesServerRequests()) traceRequests(app);
  installProblemHandlers(app);
  // While closing, answers to in-flight requests end their keep-alive connection, so the
  // server can finish closing as soon as they are sent.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Bazaar ${options.name}`,
        version: options.version,
        description: options.description,
        contact: OPENAPI_CONTACT,
      },
      servers: [SAME_HOST],
      components: options.openapi?.components ?? {},
      tags: options.openapi?.tags ?? [],
    },
    transformObject: (documents) =>
      'openapiObject' in documents
        ? (withRefusals(
            documents.openapiObject as OpenApiDocument,
          ) as typeof documents.openapiObject)
        : documents.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  installHealth(app);
  installMetrics(app, { service: options.name, processMetrics: options.processMetrics ?? false });
  return app;
}
