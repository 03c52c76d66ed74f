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
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
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

function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string>) {
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
