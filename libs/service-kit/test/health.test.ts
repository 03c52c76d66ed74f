import { createDb, pingDatabase } from '@bazaar/db';
import { createTestDatabase, type TestDatabase } from '@bazaar/db/testing';
import { createApp, type App } from '../src/index.js';

describe('readiness', () => {
  let database: TestDatabase<unknown>;
  let app: App;
  let databaseUrl: string;
  let db = undefined as unknown as ReturnType<typeof createDb>;

  beforeAll(async () => {
    database = await createTestDatabase('kit_health');
    databaseUrl = database.url;
    db = createDb(databaseUrl, { poolSize: 2 });
    app = await createApp({ name: 'health-test', version: '0.0.0', logLevel: 'silent' });
    app.health.addCheck('database', () => pingDatabase(db));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.destroy();
    await database.drop();
  });

  it('when the process runs, then liveness is 200', async () => {
    const response = await app.inject({ url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('when the database answers, then 200; when it fails, then 503; when it recovers, then 200', async () => {
    const up = await app.inject({ url: '/health/ready' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ok', checks: { database: 'up' } });

    // Break the check for real: point it at a pool whose database is gone.
    const healthy = db;
    const broken = createDb(databaseUrl.replace(/\/[^/]+$/, '/bazaar_missing_database'), {
      poolSize: 1,
    });
    db = broken;
    const down = await app.inject({ url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', checks: { database: 'down' } });
    await broken.destroy();

    db = healthy;
    const again = await app.inject({ url: '/health/ready' });
    expect(again.statusCode).toBe(200);
  });
});
