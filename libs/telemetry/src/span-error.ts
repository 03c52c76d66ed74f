import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Records a failure on a span: the exception (an `Error`, whatever was thrown) and an error status. */
export function recordSpanError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
