import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, problemType } from './errors.js';

/** An RFC 9457 problem document as Bazaar sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldOf(error: AjvLikeError, context: string | undefined): string {
  const path = (error.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra =
    (error.params?.missingProperty as string | undefined) ??
    (error.params?.additionalProperty as string | undefined);
  const field = [path, extra].filter(Boolean).join('.');
  return [context, field].filter(Boolean).join('.') || (context ?? '');
}

function messageOf(error: AjvLikeError): string {
  if (error.keyword === 'additionalProperties') return 'is not allowed';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? 'is invalid';
}

/**
 * What a database error caused by the request's values means to the caller. Postgres' SQLSTATE
 * class 22 (data exception: a value its column's type refuses) is the caller's bad input; of
 * class 23 (integrity), a duplicate or a still-referenced / missing row is a conflict with the
 * current state and a check constraint a value out of range. Not-null (23502) stays a 500: only
 * the code can leave a column empty. The database's message (names, values) is never sent.
 */
const DATABASE_REFUSALS: { match: RegExp; status: number; code: string; detail: string }[] = [
  {
    match: /^22/,
    status: 400,
    code: 'INVALID_VALUE',
    detail: 'a value in the request is not valid for the field it was given in',
  },
  {
    match: /^(23505|23503|23001|23P01)$/,
    status: 409,
    code: 'CONFLICT',
    detail: 'the request conflicts with the current state',
  },
  {
    match: /^23514$/,
    status: 422,
    code: 'CONSTRAINT_VIOLATED',
    detail: 'a value in the request is outside what is allowed',
  },
];

/** The SQLSTATE of a Postgres error (pg's DatabaseError), or of the error it wraps. */
function sqlState(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const { code, severity, cause } = error as {
    code?: unknown;
    severity?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string') {
    return code;
  }
  return sqlState(cause, depth + 1);
}

/** The 4xx a database error stands for when the request's values caused it; undefined if not. */
export function databaseRefusal(
  error: unknown,
): { status: number; code: string; detail: string } | undefined {
  const state = sqlState(error);
  if (!state) return undefined;
  const refusal = DATABASE_REFUSALS.find((r) => r.match.test(state));
  return refusal && { status: refusal.status, code: refusal.code, detail: refusal.detail };
}

/** Maps any error thrown by a route, hook or Fastify itself to a problem document. */
export function toProblem(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
): Problem {
  const instance = request.url.split('?')[0];
  if (error instanceof AppError) {
    return {
      type: problemType(error.code),
      title: error.title,
      status: error.status,
      ...(error.detail ? { detail: error.detail } : {}),
      instance,
      code: error.code,
      ...error.extensions,
    };
  }
  if (error.name === 'InjectedFault') {
    // A drill (BAZAAR_FAULTS) made this call fail: answer as a dependency that is away would.
    return {
      type: problemType('INJECTED_FAULT'),
      title: 'Service Unavailable',
      status: 503,
      detail: 'a fault drill is running',
      instance,
      code: 'INJECTED_FAULT',
    };
  }
  const refusal = databaseRefusal(error);
  if (refusal) {
    return {
      type: problemType(refusal.code),
      title: STATUS_TITLES[refusal.status] ?? 'Client Error',
      status: refusal.status,
      detail: refusal.detail,
      instance,
      code: refusal.code,
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((e) => ({
      field: fieldOf(e as AjvLikeError, fastifyError.validationContext),
      message: messageOf(e as AjvLikeError),
    }));
    return {
      type: problemType('VALIDATION_FAILED'),
      title: 'Request validation failed',
      status: 400,
      detail: errors.map((e) => `${e.field} ${e.message}`).join('; '),
      instance,
      code: 'VALIDATION_FAILED',
      errors,
    };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = fastifyError.code ?? `HTTP_${status}`;
    return {
      type: problemType(code),
      title: STATUS_TITLES[status] ?? 'Client Error',
      status,
      detail: error.message,
      instance,
      code,
    };
  }
  // 5xx: the detail is logged, never sent.
  return {
    type: 'about:blank',
    title: STATUS_TITLES[status] ?? 'Internal Server Error',
    status: status >= 500 && status < 600 ? status : 500,
    instance,
  };
}

export function sendProblem(
  reply: FastifyReply,
  problem: Problem,
  headers: Record<string, string>,
) {
  return reply
    .code(problem.status)
    .headers(headers)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problem);
}

/** Installs the one error handler and not-found handler every service uses. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (databaseRefusal(error)) {
      // The schemas let through what the database refused: worth a look, not a page.
      request.log.warn({ err: error, problem: problem.code }, 'database refused a request value');
    } else {
      request.log.info({ problem: problem.code, status: problem.status }, 'request refused');
    }
    const headers =
      error instanceof AppError
        ? error.headers
        : problem.status === 503
          ? { 'retry-after': '1' }
          : {};
    return sendProblem(reply, problem, headers);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      {
        type: problemType('ROUTE_NOT_FOUND'),
        title: 'Not Found',
        status: 404,
        detail: `no route for ${request.method} ${request.url.split('?')[0]}`,
        instance: request.url.split('?')[0],
        code: 'ROUTE_NOT_FOUND',
      },
      {},
    ),
  );
}

/**
 * Fastify's `frameworkErrors`: errors met before a route is found (a path parameter past
 * `maxParamLength` is 414, a malformed percent-encoding 400) answer problem+json like the rest.
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void sendProblem(reply, toProblem(error, request), {});
}

const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Fastify's `clientErrorHandler`: the HTTP parser refused the request before Fastify saw it (a
 * head past Node's header size limit is 431; other malformed requests 400). Answered on the raw
 * socket as problem+json, then closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer (Fastify's default handler does the same).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
  const code = status === 400 ? 'MALFORMED_REQUEST' : (error.code ?? `HTTP_${status}`);
  const title = STATUS_TITLES[status] ?? 'Client Error';
  const body = JSON.stringify({ type: problemType(code), title, status, code } satisfies Problem);
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nConnection: close\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
