// A short shopper journey through the containerized storefront, then the checkout's trace.
//   node deploy/containers/journey.mjs <storefront url> <jaeger query url>
// register -> a seeded product found by search -> cart -> checkout with 4242… -> confirmed ->
// the checkout's trace (its traceparent is ours) at the Jaeger query API, with spans from four
// services or more. No dependencies: Node's fetch only. Exits 1 naming the step that failed.
import { randomBytes, randomUUID } from 'node:crypto';

/** The journey's report: plain lines on stdout (errors on stderr). */
const say = (line) => process.stdout.write(`${line}\n`);

const [storefront, jaeger] = process.argv.slice(2);
if (!storefront || !jaeger) {
  process.stderr.write('usage: journey.mjs <storefront url> <jaeger query url>\n');
  process.exit(2);
}
const MIN_TRACED_SERVICES = 4;

async function call(method, path, { body, token, headers = {} } = {}) {
  const response = await fetch(`${storefront}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json, headers: response.headers };
}

function expectStatus(step, answer, ...statuses) {
  if (!statuses.includes(answer.status)) {
    throw new Error(`${step}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** Asks again until `done` holds or the time is up; returns the last answer. */
async function poll(ask, done, timeoutMs = 60_000, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ask().catch((error) => ({ status: 0, body: String(error) }));
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function timed(name, run) {
  const started = Date.now();
  const result = await run();
  say(`  ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

const shopper = await timed('register', async () => {
  const email = `journey-${randomUUID().slice(0, 8)}@containers.bazaar.test`;
  const answer = await call('POST', '/v1/auth/register', {
    body: { email, password: 'a long enough passphrase', name: 'Container Journey' },
  });
  expectStatus('register', answer, 201);
  return { token: answer.body.accessToken };
});

const product = await timed('search', async () => {
  // A product of the seeded demo catalog, found by a word of its name once search indexed it.
  const listed = await poll(
    () => call('GET', '/v1/products?limit=20'),
    (a) => a.status === 200 && a.body.items.length > 0,
  );
  expectStatus('product list', listed, 200);
  if (listed.body.items.length === 0) throw new Error('product list: the seeded catalog is empty');
  const wanted = listed.body.items[0];
  const word = wanted.name.split(/\s+/).find((w) => w.length >= 4) ?? wanted.name;
  const found = await poll(
    () => call('GET', `/v1/search?q=${encodeURIComponent(word)}`),
    (a) => a.status === 200 && a.body.items.some((p) => p.id === wanted.id),
  );
  expectStatus('search', found, 200);
  if (!found.body.items.some((p) => p.id === wanted.id)) {
    throw new Error(`search: "${word}" did not find ${wanted.id} (${wanted.name})`);
  }
  return wanted;
});

const cartId = await timed('cart', async () => {
  const created = await call('POST', '/v1/carts', { token: shopper.token });
  expectStatus('open cart', created, 201);
  const filled = await call('PUT', `/v1/carts/${created.body.id}/items/${product.id}`, {
    token: shopper.token,
    body: { quantity: 1 },
  });
  expectStatus('set cart item', filled, 200);
  return created.body.id;
});

// Our own trace id on the checkout request: the storefront continues it, so the whole saga
// (orders, catalog, payments, users' JWKS, the events between them) lands in this trace.
const traceId = randomBytes(16).toString('hex');
const orderId = await timed('checkout', async () => {
  const body = {
    cartId,
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '12 Market Street',
      city: 'Lyon',
      postalCode: '69001',
      country: 'FR',
    },
    payment: {
      card: {
        number: '4242424242424242',
        expMonth: 12,
        expYear: new Date().getFullYear() + 3,
        cvc: '123',
      },
    },
  };
  const headers = {
    'idempotency-key': randomUUID(),
    traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
  };
  let placed = await call('POST', '/v1/orders', { token: shopper.token, body, headers });
  for (let attempt = 1; attempt < 5 && placed.status === 503; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    placed = await call('POST', '/v1/orders', { token: shopper.token, body, headers });
  }
  expectStatus('checkout', placed, 202);
  return placed.body.id;
});

await timed('confirmed', async () => {
  const order = await poll(
    () => call('GET', `/v1/orders/${orderId}`, { token: shopper.token }),
    (a) => a.status !== 200 || ['confirmed', 'cancelled'].includes(a.body.status),
  );
  expectStatus('read order', order, 200);
  if (order.body.status !== 'confirmed') {
    throw new Error(`order ${orderId} is ${order.body.status}, not confirmed`);
  }
});

await timed('trace', async () => {
  // Exporters batch for a few seconds: wait until the trace has spans from enough services.
  const servicesOf = (answer) =>
    new Set(Object.values(answer.body?.data?.[0]?.processes ?? {}).map((p) => p.serviceName));
  const answer = await poll(
    async () => {
      const response = await fetch(`${jaeger}/api/traces/${traceId}`, {
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: await response.json().catch(() => undefined) };
    },
    (a) => a.status === 200 && servicesOf(a).size >= MIN_TRACED_SERVICES,
    60_000,
    2_000,
  );
  const services = [...servicesOf(answer)].sort();
  if (services.length < MIN_TRACED_SERVICES) {
    throw new Error(
      `trace ${traceId}: spans from ${services.length} services (${services.join(', ')}), ` +
        `expected ${MIN_TRACED_SERVICES} or more`,
    );
  }
  say(
    `    trace ${traceId}: ${answer.body.data[0].spans.length} spans from ${services.join(', ')}`,
  );
});

say('journey: register, search, checkout with 4242…, confirmed, traced');
