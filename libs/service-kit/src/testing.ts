export { openApiErrors } from './testing/openapi.js';
// The Bazaar-free kit (eventually, outboxRows, startFakeUpstream, sendJson), as it is.
export * from '@bazaar/testing';
export { describeServiceBasics, type ServiceBasics } from './testing/service-basics.js';
export {
  startTestService,
  TEST_MESSAGING,
  type TestService,
  type TestServiceOptions,
} from './testing/test-service.js';
