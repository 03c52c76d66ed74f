import type { TestDatabase } from '@bazaar/db/testing';
import { publishEvent, testAmqpUrl } from '@bazaar/messaging/testing';
import type { App } from '@bazaar/service-kit';
import { eventually } from '@bazaar/service-kit/testing';
import type { Database } from '../src/db/database.js';
import { startSearchApp, type SearchTestContext } from './fixtures/search-app.js';
import { product } from './fixtures/products.js';

describe('search fed by product events over RabbitMQ', () => {
  const url = testAmqpUrl();
  let ctx: SearchTestContext;
  let namespace: string;
  let database: TestDatabase<Database>;
  let app: App;

  beforeAll(async () => {
    ctx = await startSearchApp('search_events', {}, { follower: 'own', messaging: true });
    ({ namespace, database, app } = ctx);
    app.health.addCheck('broker', () => app.messaging.check());
  }, 60_000);
  afterAll(async () => {
    await ctx.close();
  }, 60_000);

  const hits = async (q: string) =>
    (await app.inject({ url: `/v1/search?q=${encodeURIComponent(q)}` })).json().items as {
      id: string;
      name: string;
      price: { amount: number };
    }[];
  const handled = (messageId: string) =>
    eventually(
      async () =>
        (await database.db
          .selectFrom('inbox_messages')
          .select('message_id')
          .where('message_id', '=', messageId)
          .executeTakeFirst()) ?? undefined,
      { what: `message ${messageId} to be handled` },
    );

  it('when the broker is connected, then the service is ready with its broker checked', async () => {
    const response = await app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toMatchObject({ database: 'up', broker: 'up' });
  });

  it('when catalog publishes created, updated and deleted, then search follows, and an older event changes nothing', async () => {
    const doc = product({ name: 'Nebula projector', brand: 'Starlight', price: 4999, version: 1 });
    await publishEvent({ url, namespace, type: 'product.created', data: { product: doc } });
    const [created] = await eventually(
      async () => {
        const found = await hits('nebula');
        return found.length ? found : undefined;
      },
      { what: 'the created product to be searchable' },
    );
    expect(created).toMatchObject({ id: doc.id, name: 'Nebula projector' });

    const v2 = {
      ...doc,
      name: 'Nebula projector pro',
      price: { amount: 5999, currency: 'EUR' },
      version: 2,
    };
    await publishEvent({ url, namespace, type: 'product.updated', data: { product: v2 } });
    await eventually(
      async () => {
        const [hit] = await hits('nebula');
        return hit?.name === 'Nebula projector pro' ? hit : undefined;
      },
      { what: 'the update to be searchable' },
    );

    const lateDeletion = await publishEvent({
      url,
      namespace,
      type: 'product.deleted',
      data: { productId: doc.id, version: 1 },
    });
    await handled(lateDeletion.id);
    expect(await hits('nebula')).toHaveLength(1);

    const late = await publishEvent({
      url,
      namespace,
      type: 'product.updated',
      data: { product: { ...doc, name: 'Nebula projector old', version: 1 } },
    });
    await handled(late.id);
    expect((await hits('nebula')).map((hit) => [hit.name, hit.price.amount])).toEqual([
      ['Nebula projector pro', 5999],
    ]);

    await publishEvent({
      url,
      namespace,
      type: 'product.deleted',
      data: { productId: doc.id, version: 3 },
    });
    await eventually(async () => ((await hits('nebula')).length === 0 ? true : undefined), {
      what: 'the deletion',
    });

    const resurrect = await publishEvent({
      url,
      namespace,
      type: 'product.updated',
      data: { product: { ...v2, version: 2 } },
    });
    await handled(resurrect.id);
    expect(await hits('nebula')).toEqual([]);
  });

  it('when events were indexed, then the freshness histogram counts them per event type', async () => {
    const doc = product({
      name: 'Quasar speaker',
      updatedAt: new Date(Date.now() - 2000).toISOString(),
    });
    const event = await publishEvent({
      url,
      namespace,
      type: 'product.created',
      data: { product: doc },
    });
    await handled(event.id);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    const count = (type: string) =>
      Number(
        new RegExp(
          `search_index_freshness_seconds_count\\{[^}]*event="${type}"[^}]*\\} (\\d+)`,
        ).exec(metrics)?.[1] ?? 0,
      );
    expect(count('product.created')).toBeGreaterThanOrEqual(2);
    expect(count('product.updated')).toBeGreaterThanOrEqual(1);
    expect(count('product.deleted')).toBeGreaterThanOrEqual(1);
    const sum = Number(
      /search_index_freshness_seconds_sum\{[^}]*event="product.created"[^}]*\} ([\d.e+]+)/.exec(
        metrics,
      )?.[1],
    );
    // The quasar speaker changed two seconds before it was published.
    expect(sum).toBeGreaterThanOrEqual(2);
  });
});
