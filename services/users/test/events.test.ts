import { captureEvents, type CapturedEvents } from '@bazaar/messaging/testing';
import { eventually, outboxRows } from '@bazaar/service-kit/testing';
import { ensureAdmin } from '../src/domain/admin-bootstrap.js';
import { newAccount, startUsersApp, type UsersTestApp } from './helpers.js';

describe('users over RabbitMQ', () => {
  let t: UsersTestApp;
  let captured: CapturedEvents;

  beforeAll(async () => {
    t = await startUsersApp('users_events', {}, undefined, { messaging: true });
    t.app.health.addCheck('broker', () => t.app.messaging.check());
    captured = await captureEvents({ namespace: t.namespace, types: ['user.registered'] });
  });
  afterAll(async () => {
    await captured.close();
    await t.close();
  });

  it('when a shopper registers, then user.registered is published through the outbox', async () => {
    const account = newAccount({ email: '  Event.Shopper@Example.com ' });
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: account,
    });
    expect(response.statusCode).toBe(201);
    const userId = response.json().user.id;
    const event = await captured.waitFor<'user.registered'>(
      (e) => e.type === 'user.registered' && (e.data as { userId: string }).userId === userId,
    );
    expect(event.data).toEqual({ userId, email: 'event.shopper@example.com', name: 'Ann Shopper' });
    expect(event.source).toBe('users');
    // Never the password in the event.
    expect(JSON.stringify(event)).not.toContain(account.password);
  });

  it('when a registration is refused (taken email), then no event is written', async () => {
    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/v1/auth/register', payload: account });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: account,
    });
    expect(again.statusCode).toBe(409);
    const rows = await outboxRows(t.database.db, {
      type: 'user.registered',
      data: { email: account.email },
    });
    expect(rows).toHaveLength(1);
  });

  it('when the admin account is bootstrapped, then it is announced too', async () => {
    await ensureAdmin(t.context, {
      email: 'boss@example.com',
      password: 'boss password 1',
    });
    const event = await captured.waitFor<'user.registered'>(
      (e) => (e.data as { email: string }).email === 'boss@example.com',
    );
    expect(event.data.name).toBe('Administrator');
  });

  it('when the broker is connected, then the service is ready', async () => {
    const ready = await eventually(() => t.app.inject({ url: '/health/ready' }), {
      until: (response) => response.statusCode === 200,
    });
    expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: 'up', broker: 'up' } });
  });
});
