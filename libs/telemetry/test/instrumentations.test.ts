import { enabledInstrumentations } from '../src/sdk.js';

describe('the instrumentations a service runs', () => {
  it('when nothing is configured, then http and undici run and pg (a span per statement) does not', () => {
    expect([...enabledInstrumentations({})].sort()).toEqual(['http', 'undici']);
  });

  it('when OTEL_NODE_ENABLED_INSTRUMENTATIONS names pg, then a span per SQL statement is back', () => {
    expect([
      ...enabledInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, undici, PG' }),
    ]).toEqual(['http', 'undici', 'pg']);
  });

  it('when it names only instrumentations we do not ship, then the defaults run', () => {
    expect([
      ...enabledInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'fastify,express' }),
    ]).toEqual(['http', 'undici']);
  });
});
