import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { FastifyServerOptions } from 'fastify';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Paths never written to a log, whatever a route or a library hands to pino. Secrets reach
 * logs through headers and bodies; both are cut here once for every service.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["bazaar-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.card',
  '*.cvc',
  '*.number',
];

/** The trace and span of the active OpenTelemetry context, so a log line leads to its trace. */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}

export interface LoggerSettings {
  service: string;
  level: LogLevel;
  /**
   * Pretty, coloured lines for a person at a terminal; JSON everywhere else. `LOG_FORMAT=json`
   * overrides it: JSON whatever the service asked (`pnpm start`'s supervisor sets it, it reads
   * the JSON lines and prints them readably itself).
   */
  pretty?: boolean;
}

/** pino options for Fastify's logger: JSON lines with service, trace and span ids. */
export function loggerOptions(
  settings: LoggerSettings,
  env: Record<string, string | undefined> = process.env,
): FastifyServerOptions['logger'] {
  const pretty = settings.pretty === true && env.LOG_FORMAT !== 'json';
  return {
    level: settings.level,
    base: { service: settings.service },
    messageKey: 'msg',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    mixin: traceFields,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  };
}
