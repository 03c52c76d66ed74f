import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Tells the HTTP instrumentation which route the incoming request matched: its server span is
 * then named `GET /v1/products/:id` and carries `http.route`, as a framework instrumentation
 * would do, without a span per hook and handler. A no-op outside a traced request.
 */
export function setServerRoute(route: string | undefined): void {
  if (!route) return;
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
