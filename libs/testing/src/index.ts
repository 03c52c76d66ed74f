export { eventually, type EventuallyOptions } from './eventually.js';
export { outboxRows, type OutboxQuery, type OutboxRow } from './outbox.js';
export {
  sendJson,
  startFakeUpstream,
  type FakeUpstream,
  type UpstreamAnswer,
  type UpstreamFault,
  type UpstreamHandler,
  type UpstreamRequest,
  type UpstreamRoutes,
} from './fake-upstream.js';
