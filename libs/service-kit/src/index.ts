export { loadConfig, ConfigError } from './config.js';
export { createApp, commonAppOptions, type App, type AppOptions } from './create-app.js';
export {
  AppError,
  defineErrors,
  problemType,
  type ErrorDefinition,
  type ErrorFactory,
} from './errors.js';
export { type Health, type ReadinessCheck } from './health.js';
export { internalEndpoints, type InternalEndpointsOptions } from './internal-endpoints.js';
export { loggerOptions, traceFields, REDACTED_PATHS, type LogLevel } from './logger.js';
export { toProblem, databaseRefusal, type Problem } from './problem.js';
export { Uuid, uuidWith, UUID_PATTERN } from './input.js';
export {
  ProblemSchema,
  CommonConfig,
  LogLevelSchema,
  problemResponses,
  type ProblemResponseOptions,
} from './schemas.js';
export { runService, exitOnStartupError, type RunOptions } from './run-service.js';
export { Faults, FaultsConfig, InjectedFault, parseFaults, type FaultSpec } from './faults.js';
export { type MetricsSettings } from './metrics.js';
export {
  messagingPlugin,
  type MessagingOverrides,
  type MessagingPluginOptions,
} from './messaging.js';
export {
  periodicJob,
  whileListening,
  type BackgroundWork,
  type PeriodicJob,
  type PeriodicJobOptions,
} from './background.js';
