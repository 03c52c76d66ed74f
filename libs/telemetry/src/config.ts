export interface TelemetryConfig {
  enabled: boolean;
  /** `TRUST_CLIENT_TRACE_CONTEXT=true`: a public edge takes its callers' `traceparent` as parent. */
  trustClientTraceContext: boolean;
  serviceName?: string;
  environment: string;
}

/**
 * The few settings telemetry reads before the service's own config exists. Exporter URL,
 * sampler and the rest are the standard `OTEL_*` variables the SDK reads itself.
 */
export function telemetryConfig(env: Record<string, string | undefined>): TelemetryConfig {
  return {
    enabled: env.OTEL_SDK_DISABLED !== 'true',
    trustClientTraceContext: env.TRUST_CLIENT_TRACE_CONTEXT === 'true',
    serviceName: env.OTEL_SERVICE_NAME || undefined,
    environment: env.DEPLOYMENT_ENVIRONMENT || 'local',
  };
}
