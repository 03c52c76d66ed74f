import { loggerOptions } from '../src/index.js';

// pino-pretty prints several lines per event and runs in a worker; where something reads the
// JSON lines (pnpm start's supervisor, a container's log collector) LOG_FORMAT=json keeps JSON.
describe('loggerOptions', () => {
  const settings = { service: 'orders', level: 'info' as const, pretty: true };

  it('when a service asks for pretty logs, then pino-pretty prints them', () => {
    expect(loggerOptions(settings, {})).toMatchObject({ transport: { target: 'pino-pretty' } });
  });

  it('when LOG_FORMAT is json, then JSON lines even where the service asked for pretty ones', () => {
    const options = loggerOptions(settings, { LOG_FORMAT: 'json' }) as Record<string, unknown>;
    expect(options.transport).toBeUndefined();
    expect(options).toMatchObject({ level: 'info', base: { service: 'orders' } });
  });

  it('when nobody asks for pretty logs, then JSON lines', () => {
    const options = loggerOptions({ ...settings, pretty: false }, {}) as Record<string, unknown>;
    expect(options.transport).toBeUndefined();
  });
});
