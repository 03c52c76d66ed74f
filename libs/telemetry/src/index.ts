export { enabledInstrumentations, startTelemetry, type TelemetryOptions } from './sdk.js';
export { telemetryConfig, type TelemetryConfig } from './config.js';
export { flushTraces } from './flush.js';
export { businessAttributes, tagSpan, type BusinessIds } from './business-ids.js';
export {
  carriesTraceContext,
  traceClientRequest,
  tracesClientRequests,
  type ClientRequestTrace,
  type OutgoingRequestInfo,
} from './client-span.js';
export {
  inRequestContext,
  traceServerRequest,
  tracesServerRequests,
  type IncomingRequestInfo,
  type ServerRequestTrace,
} from './server-span.js';
export { recordSpanError } from './span-error.js';
export { traceCarrier, inTraceOf, keepTraceContext, type TraceCarrier } from './deferred.js';
