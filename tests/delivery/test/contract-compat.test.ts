import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareEvent,
  compareEventCatalog,
  type EventSnapshot,
} from '../src/contracts/event-compat.js';
import { compareOpenApi, type OpenApiDocument } from '../src/contracts/openapi-compat.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'contracts', name), 'utf8')) as T;

const messages = (problems: { where: string; message: string }[]) =>
  problems.map((p) => `${p.where}: ${p.message}`);

describe('event contract check', () => {
  const v1 = fixture<EventSnapshot>('order-placed.v1.json');

  it('when the schema is unchanged, then it passes', () => {
    expect(compareEvent(v1, structuredClone(v1))).toEqual([]);
  });

  it('when an optional field is added to an open object, then it passes', () => {
    expect(messages(compareEvent(v1, fixture('order-placed.additive.json')))).toEqual([]);
  });

  it('when a field is removed, retyped or newly required, then it fails naming each', () => {
    const found = messages(compareEvent(v1, fixture('order-placed.breaking.json')));
    expect(found).toEqual(
      expect.arrayContaining([
        'order.placed@1 /note: field removed',
        expect.stringMatching(/^order\.placed@1 \/lines\/\[\]\/quantity: .*type changed/),
        'order.placed@1 /couponCode: old producers break new consumers: newly required field',
      ]),
    );
  });

  it('when a closed object gains a field, then old consumers break', () => {
    const next = structuredClone(v1);
    const total = (next.versions['1'] as { properties: { total: { properties: object } } })
      .properties.total;
    total.properties = { ...total.properties, tax: { type: 'integer' } };
    expect(messages(compareEvent(v1, next))).toEqual([
      'order.placed@1 /total/tax: new producers break old consumers: field added to an object old readers keep closed',
    ]);
  });

  it('when an enum gains a value, then old consumers break; when it loses one, old producers do', () => {
    const widened = structuredClone(v1);
    const schema = widened.versions['1'] as { properties: { channel: { anyOf: object[] } } };
    schema.properties.channel.anyOf.push({ const: 'phone' });
    expect(messages(compareEvent(v1, widened))).toEqual([
      expect.stringMatching(/^order\.placed@1 \/channel: new producers break old consumers/),
    ]);
    const narrowed = structuredClone(v1);
    (narrowed.versions['1'] as typeof schema).properties.channel.anyOf.pop();
    expect(messages(compareEvent(v1, narrowed))).toEqual([
      expect.stringMatching(/^order\.placed@1 \/channel: old producers break new consumers/),
    ]);
  });

  it('when a breaking shape ships as version 2 and version 1 is still accepted, then it passes', () => {
    expect(compareEvent(v1, fixture('order-placed.v2-bumped.json'))).toEqual([]);
  });

  it('when the current version is removed, then it fails', () => {
    const bumped = fixture<EventSnapshot>('order-placed.v2-bumped.json');
    const dropped = { ...bumped, versions: { '2': bumped.versions['2'] } };
    expect(messages(compareEvent(v1, dropped))).toEqual([
      expect.stringMatching(/^order\.placed@1: version 1 removed while producers may still/),
    ]);
  });

  it('when a version superseded in the snapshot is retired, then it passes', () => {
    const bumped = fixture<EventSnapshot>('order-placed.v2-bumped.json');
    const retired = { ...bumped, versions: { '2': bumped.versions['2'] } };
    expect(compareEvent(bumped, retired)).toEqual([]);
  });

  it('when the current version goes back or the type disappears, then it fails', () => {
    const bumped = fixture<EventSnapshot>('order-placed.v2-bumped.json');
    expect(messages(compareEvent(bumped, { ...bumped, current: 1 }))).toEqual([
      'order.placed: current version went back from 2 to 1',
    ]);
    expect(messages(compareEventCatalog({ 'order.placed': v1 }, {}))).toEqual([
      'order.placed: event type removed (consumers still subscribe to it)',
    ]);
  });

  it('when a new event type appears, then the catalogue passes', () => {
    const added = { ...v1, type: 'order.gifted' };
    expect(
      compareEventCatalog({ 'order.placed': v1 }, { 'order.placed': v1, 'order.gifted': added }),
    ).toEqual([]);
  });
});

describe('OpenAPI contract check', () => {
  const v1 = fixture<OpenApiDocument>('orders-api.v1.json');

  it('when the document is unchanged, then it passes', () => {
    expect(compareOpenApi(v1, structuredClone(v1))).toEqual([]);
  });

  it('when routes, optional inputs and response fields are added, then it passes', () => {
    expect(messages(compareOpenApi(v1, fixture('orders-api.additive.json')))).toEqual([]);
  });

  it('when a route is removed, a field required, retyped or removed, then it fails naming each', () => {
    const found = messages(compareOpenApi(v1, fixture('orders-api.breaking.json')));
    expect(found).toEqual(
      expect.arrayContaining([
        'GET /v1/orders/{id}: route removed (serve the old version alongside a new one until clients move)',
        'POST /v1/orders body/shippingAddress: old requests rejected: newly required field',
        'POST /v1/orders body/note: old requests rejected: maxLength tightened to 100 (was 200)',
        expect.stringMatching(
          /^GET \/v1\/orders 200\/items\/\[\]\/id: old clients break: type changed/,
        ),
        'GET /v1/orders 200/items/[]/status: clients lose: field removed',
        'GET /v1/orders query region: newly required parameter',
      ]),
    );
    expect(found).toHaveLength(7);
  });

  it('when a new route version is served alongside the old one, then it passes', () => {
    expect(compareOpenApi(v1, fixture('orders-api.v2-alongside.json'))).toEqual([]);
  });

  it('when a new route version replaces the old one, then it fails', () => {
    expect(messages(compareOpenApi(v1, fixture('orders-api.v2-replacing.json')))).toEqual([
      expect.stringMatching(/^GET \/v1\/orders\/\{id\}: route removed/),
    ]);
  });

  it('when a success status, a media type or a parameter goes away, then it fails', () => {
    const next = structuredClone(v1) as any;
    next.paths['/v1/orders'].post.responses = {
      '201': next.paths['/v1/orders'].post.responses['202'],
    };
    next.paths['/v1/orders'].get.parameters = [next.paths['/v1/orders'].get.parameters[0]];
    next.paths['/v1/orders'].post.requestBody.content = {
      'application/merge-patch+json':
        next.paths['/v1/orders'].post.requestBody.content['application/json'],
    };
    const item = next.paths['/v1/orders/{id}'].get.responses['200'];
    item.content = { 'text/plain': { schema: { type: 'string' } } };
    expect(messages(compareOpenApi(v1, next)).sort()).toEqual([
      'GET /v1/orders query cursor: parameter removed',
      'GET /v1/orders/{id} 200 application/json: media type no longer sent',
      'POST /v1/orders 202: success response removed',
      'POST /v1/orders body application/json: media type no longer accepted',
    ]);
  });

  it('when a response field becomes optional or nullable, then old clients break', () => {
    const next = structuredClone(v1) as any;
    const order =
      next.paths['/v1/orders/{id}'].get.responses['200'].content['application/json'].schema;
    order.required = ['id'];
    order.properties.id = { anyOf: [{ type: 'string' }, { type: 'null' }] };
    expect(messages(compareOpenApi(v1, next)).sort()).toEqual([
      expect.stringMatching(/^GET \/v1\/orders\/\{id\} 200\/id: old clients break: type changed/),
      'GET /v1/orders/{id} 200/total: old clients break: field became optional',
    ]);
  });

  it('when a request parameter is narrowed or a body becomes required, then old requests break', () => {
    const next = structuredClone(v1) as any;
    next.paths['/v1/orders'].get.parameters[0].schema.maximum = 50;
    next.paths['/v1/orders/{id}'].get.requestBody = {
      required: true,
      content: { 'application/json': { schema: { type: 'object' } } },
    };
    expect(messages(compareOpenApi(v1, next)).sort()).toEqual([
      'GET /v1/orders query limit: old requests rejected: maximum tightened to 50 (was 100)',
      'GET /v1/orders/{id} body: request body became required',
    ]);
  });
});
