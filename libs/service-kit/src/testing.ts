export { openApiErrors } from './testing/openapi.js';
export { eventually, type EventuallyOptions } from '@bazaar/testing';
export { outboxRows, type OutboxQuery, type OutboxRow } from '@bazaar/testing';
export {
  sendJson,
  startFakeUpstream,
  type FakeUpstream,
  type UpstreamAnswer,
  type UpstreamFault,
  type UpstreamHandler,
  type UpstreamRequest,
  type UpstreamRoutes,
} from '@bazaar/testing';
export { describeServiceBasics, type ServiceBasics } from './testing/service-basics.js';
export {
  startTestService,
  TEST_MESSAGING,
  type TestService,
  type TestServiceOptions,
} from './testing/test-service.js';
