import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api, poll, type Api, type Json } from '../src/api.js';
import {
  ADDRESS,
  adminToken,
  card,
  CARDS,
  createProduct,
  expectStatus,
  placeOrder,
  register,
  type Shopper,
} from '../src/shop.js';
import { SERVICES, startSystem, type System } from '../src/system.js';

const STARTUP_MS = 240_000;
const SWEEP_MS = 300_000;
const STEP_MS = 90_000;

/** A uuid Postgres reads, and forms of it that validation must refuse before Postgres does. */
const SOME_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
const HOSTILE_IDS = [
  `urn:uuid:${SOME_ID}`,
  `{${SOME_ID}}`,
  SOME_ID.replace(/-/g, ''),
  '-'.repeat(36),
  '%00',
  'x'.repeat(150),
];
const HOSTILE_TEXT = ['%00', 'a%00b'];
const HOSTILE_NUMBERS = ['1e19', '9223372036854775808', '-1', '1.5'];
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Cursors no service gave out: each names an id or key Postgres could not read, or none. */
const FORGED_CURSORS = [
  b64({ after: '-'.repeat(36) }),
  b64({ before: `urn:uuid:${SOME_ID}` }),
  b64({ id: '-'.repeat(36) }),
  b64({ v: 1, m: 'exact', k: '1e999', i: SOME_ID, f: 'x' }),
  b64(null),
  'not a cursor %00',
];

interface Schema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  minimum?: number;
  $ref?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}

interface Probe {
  operation: string;
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Outcome {
  probe: Probe;
  who: string;
  status: number;
  type: string;
}

/** What the storefront answered, without waiting on a stream that would not end. */
async function send(base: string, probe: Probe, token?: string): Promise<Omit<Outcome, 'who'>> {
  const headers: Record<string, string> = { accept: 'application/json', ...probe.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (probe.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(base + probe.path, {
    method: probe.method,
    headers,
    body: probe.body,
    signal: AbortSignal.timeout(20_000),
  });
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) await response.body?.cancel();
  else await response.arrayBuffer();
  return { probe, status: response.status, type };
}

/** A value the schema accepts, from its examples or built from its type: the base of a probe. */
function sample(schema: Schema | undefined, document: Json, name = ''): unknown {
  if (!schema) return undefined;
  if (schema.$ref) return sample(resolve(schema.$ref, document), document, name);
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf) {
    return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0], document, name);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of schema.required ?? []) {
      out[key] = sample(schema.properties?.[key], document, key);
    }
    return out;
  }
  if (type === 'array') return [sample(schema.items, document, name)];
  if (type === 'integer' || type === 'number') return Math.max(schema.minimum ?? 1, 1);
  if (type === 'boolean') return true;
  if (schema.format === 'uuid') return SOME_ID;
  if (schema.format === 'email' || name === 'email') return `sweep-${randomUUID()}@e2e.bazaar.test`;
  const known: Record<string, string> = {
    password: 'a long enough passphrase',
    country: 'FR',
    currency: 'EUR',
    sku: 'SWEEP-1',
    cvc: '123',
    number: CARDS.ok,
    postalCode: '69001',
  };
  return known[name] ?? 'sweep';
}

function resolve(ref: string, document: Json): Schema {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Json, key: string) => node?.[key], document) as Schema;
}

/** Every leaf of a sample body with its schema: where a hostile value can go. */
function leaves(
  value: unknown,
  schema: Schema | undefined,
  document: Json,
  path: (string | number)[] = [],
): { path: (string | number)[]; schema: Schema }[] {
  if (!schema) return [];
  if (schema.$ref) return leaves(value, resolve(schema.$ref, document), document, path);
  if (schema.anyOf) {
    const branch = schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0];
    return leaves(value, branch, document, path);
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => leaves(item, schema.items, document, [...path, i]));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      leaves(item, schema.properties?.[key] ?? { type: 'string' }, document, [...path, key]),
    );
  }
  return [{ path, schema }];
}

function withLeaf(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

/** The hostile probes of one operation: each changes one value of an otherwise sound request. */
function probesOf(
  template: string,
  method: string,
  operation: Operation,
  document: Json,
  real: (template: string, name: string) => string,
): Probe[] {
  const name = `${method.toUpperCase()} ${template}`;
  const params = operation.parameters ?? [];
  const fill = (values: Record<string, string>) =>
    template.replace(/\{(\w+)\}/g, (_m, key: string) => values[key] ?? real(template, key));
  const content = operation.requestBody?.content?.['application/json'];
  const base = content ? (content.example ?? sample(content.schema, document)) : undefined;
  const baseBody = base === undefined ? undefined : JSON.stringify(base);
  const headers: Record<string, string> = {};
  for (const header of params.filter((p) => p.in === 'header')) {
    if (header.name === 'idempotency-key') headers[header.name] = randomUUID();
  }
  const probe = (what: string, changes: Partial<Probe> = {}): Probe => ({
    operation: name,
    what,
    method: method.toUpperCase(),
    path: fill({}),
    headers: { ...headers, ...(changes.headers ?? {}) },
    body: baseBody,
    ...changes,
  });

  const probes: Probe[] = [];
  for (const param of params.filter((p) => p.in === 'path')) {
    const values =
      param.schema.format === 'uuid' ? HOSTILE_IDS : [...HOSTILE_TEXT, 'x'.repeat(150)];
    for (const value of values) {
      const encoded = value === '%00' ? value : encodeURIComponent(value);
      probes.push(probe(`path ${param.name}=${value}`, { path: fill({ [param.name]: encoded }) }));
    }
  }
  for (const param of params.filter((p) => p.in === 'query')) {
    const schema = param.schema.anyOf?.[0] ?? param.schema;
    const type = schema.type ?? (schema.enum ? 'string' : undefined);
    const values =
      param.name === 'cursor'
        ? FORGED_CURSORS.map((c) => (c.includes('%00') ? c.replace(/ /g, '+') : c))
        : schema.format === 'uuid'
          ? HOSTILE_IDS.slice(0, 3).concat('%00')
          : type === 'integer' || type === 'number'
            ? HOSTILE_NUMBERS
            : type === 'boolean'
              ? ['maybe', '%00']
              : HOSTILE_TEXT;
    for (const value of values) {
      const encoded = /%00/.test(value) ? value : encodeURIComponent(value);
      probes.push(
        probe(`query ${param.name}=${value}`, { path: `${fill({})}?${param.name}=${encoded}` }),
      );
    }
  }
  for (const header of params.filter((p) => p.in === 'header')) {
    probes.push(
      probe(`header ${header.name} too long`, { headers: { [header.name]: 'k'.repeat(300) } }),
    );
  }
  if (base !== undefined) {
    for (const leaf of leaves(base, content?.schema, document)) {
      const at = leaf.path.join('.');
      const type = Array.isArray(leaf.schema.type) ? leaf.schema.type[0] : leaf.schema.type;
      const hostile: unknown[] =
        type === 'integer' || type === 'number'
          ? [1e19, -1]
          : leaf.schema.format === 'uuid'
            ? [`urn:uuid:${SOME_ID}`, 'a\u0000b']
            : type === 'boolean'
              ? ['true']
              : ['a\u0000b'];
      for (const value of hostile) {
        probes.push(
          probe(`body ${at}=${JSON.stringify(value)}`, {
            body: JSON.stringify(withLeaf(base, leaf.path, value)),
          }),
        );
      }
    }
    probes.push(probe('body is malformed JSON', { body: '{"a":' }));
    probes.push(probe('body key holds NUL', { body: JSON.stringify({ 'k\u0000': 1 }) }));
  }
  return probes;
}

/** The statuses an operation documents: exactly, by range (`4XX`) or as `default`. */
function documents(operation: Operation, status: number): boolean {
  const responses = operation.responses;
  return (
    String(status) in responses ||
    `${Math.floor(status / 100)}XX` in responses ||
    'default' in responses
  );
}

describe('a hostile-input sweep over every public operation', () => {
  let system: System;
  let shop: Api;
  let admin: string;
  let shopper: Shopper;
  let document: Json;
  let product: { id: string; name: string };
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    system = await startSystem('hostile');
    shop = api(system.storefront);
    admin = await adminToken(shop);
    shopper = await register(shop, 'sweep');
    product = await createProduct(shop, admin, { name: 'Sweep Lantern', stock: 50, price: 1500 });
    const docs = await shop.get('/docs/json');
    expectStatus('docs', docs, 200);
    document = docs.body;
  }, STARTUP_MS);
  afterAll(async () => {
    await system?.stop();
  }, STARTUP_MS);

  it(
    'when every operation gets malformed ids, NUL strings, out-of-range numbers and forged cursors, then no answer is a 5xx, every 4xx is a documented problem',
    async () => {
      const cart = await shop.post('/v1/carts', undefined, { token: shopper.token });
      expectStatus('cart', cart, 201);
      const address = await shop.post('/v1/me/addresses', ADDRESS, { token: shopper.token });
      expectStatus('address', address, 201);
      const ids: Record<string, string> = {
        carts: cart.body.id,
        products: product.id,
        addresses: address.body.id,
        orders: SOME_ID,
        productId: product.id,
        provider: 'test',
      };
      const real = (template: string, name: string) =>
        ids[name] ?? ids[template.split('/').find((part) => ids[part]) ?? ''] ?? SOME_ID;

      const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>)
        .filter(([path]) => path.startsWith('/v1/'))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
        );
      expect(operations.length).toBeGreaterThanOrEqual(25);

      const probes = operations.flatMap(({ path, method, operation }) =>
        probesOf(path, method, operation, document, real),
      );
      // Refusals before any route: too large, not JSON, a head past the parser's limit.
      const register = 'POST /v1/auth/register';
      probes.push(
        {
          operation: register,
          what: 'body too large',
          method: 'POST',
          path: '/v1/auth/register',
          body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
        },
        {
          operation: register,
          what: 'body not JSON',
          method: 'POST',
          path: '/v1/auth/register',
          headers: { 'content-type': 'application/xml' },
          body: '<a/>',
        },
        {
          operation: 'GET /v1/products',
          what: 'query past the header limit',
          method: 'GET',
          path: `/v1/products?brand=${'b'.repeat(20_000)}`,
        },
      );

      const identities: [string, string | undefined][] = [
        ['anonymous', undefined],
        ['shopper', shopper.token],
      ];
      for (const probe of probes) {
        const forAdmin = probe.operation.includes(' /v1/admin/');
        for (const [who, token] of forAdmin
          ? [...identities, ['admin', admin] as const]
          : identities) {
          outcomes.push({ ...(await send(system.storefront, probe, token)), who });
        }
      }
      expect(outcomes.length).toBeGreaterThan(200);
      expect(outcomes.length).toBeLessThan(800);

      const byOperation = new Map(
        operations.map(({ path, method, operation }) => [
          `${method.toUpperCase()} ${path}`,
          operation,
        ]),
      );
      const wrong = outcomes.flatMap(({ probe, who, status, type }) => {
        const where = `${probe.operation} (${probe.what}, ${who}) answered ${status}`;
        const problems: string[] = [];
        if (status >= 500) problems.push(`${where}: a 5xx`);
        if (status >= 400 && !type.startsWith('application/problem+json')) {
          problems.push(`${where}: ${type || 'no content type'}, not problem+json`);
        }
        if (!documents(byOperation.get(probe.operation)!, status)) {
          problems.push(`${where}: not in its OpenAPI responses`);
        }
        if (status < 400) problems.push(`${where}: accepted`);
        return problems;
      });
      expect(wrong).toEqual([]);
    },
    SWEEP_MS,
  );

  it(
    'when the sweep is over, then no service logged a 5xx or an open breaker, and browsing, login and checkout still work',
    async () => {
      expect(outcomes.length).toBeGreaterThan(0);
      const trouble = SERVICES.flatMap((name) =>
        readFileSync(system.logFiles[name], 'utf8')
          .split('\n')
          .filter((line) => /circuit breaker opened|"request failed"/.test(line))
          .map((line) => `${name}: ${line.slice(0, 300)}`),
      );
      expect(trouble).toEqual([]);

      expectStatus('browse', await shop.get('/v1/products?limit=5'), 200);
      expectStatus('read', await shop.get(`/v1/products/${product.id}`), 200);
      const found = await poll(
        () => shop.get('/v1/search?q=lantern'),
        (a) => a.status === 200 && a.body.items.some((p: { id: string }) => p.id === product.id),
      );
      expectStatus('search', found, 200);
      expectStatus(
        'login',
        await shop.post('/v1/auth/login', {
          email: shopper.email,
          password: 'a long enough passphrase',
        }),
        200,
      );
      const checkout = await placeOrder(shop, shopper.token, {
        items: [{ productId: product.id, quantity: 1 }],
        shippingAddress: ADDRESS,
        payment: card(CARDS.ok),
      });
      expectStatus('checkout', checkout, 202);
    },
    STEP_MS,
  );
});
