export { openApiErrors } from './testing/openapi.js';
export { eventually, type EventuallyOptions } from './testing/eventually.js';
export { outboxRows, type OutboxQuery, type OutboxRow } from './testing/outbox.js';
export {
  sendJson,
  startFakeUpstream,
  type FakeUpstream,
  type UpstreamAnswer,
  type UpstreamFault,
  type UpstreamHandler,
  type UpstreamRequest,
  type UpstreamRoutes,
} from './testing/fake-upstream.js';
export { describeServiceBasics, type ServiceBasics } from './testing/service-basics.js';
