export { enabledInstrumentations, startTelemetry, type TelemetryOptions } from './sdk.js';
export { telemetryConfig, type TelemetryConfig } from './config.js';
export { flushTraces } from './flush.js';
export { businessAttributes, tagSpan, type BusinessIds } from './business-ids.js';
export { setServerRoute } from './server-route.js';
export { traceCarrier, inTraceOf, keepTraceContext, type TraceCarrier } from './deferred.js';
