import type { App } from '@bazaar/service-kit';
import { startFakeUpstream, type FakeUpstream } from '@bazaar/service-kit/testing';
import {
  cart,
  CART_ID,
  categories,
  CATEGORY_ID,
  order,
  ORDER_ID,
  product,
  PRODUCT_ID,
  searchResult,
  tokens,
} from './fixtures.js';
import { cookieHeader, cookiesOf, csrfIn, webApp } from './support/web-app.js';

describe('the web shop pages, in front of a stand-in storefront', () => {
  let storefront: FakeUpstream;
  let app: App;

  beforeAll(async () => {
    storefront = await startFakeUpstream();
    ({ app } = await webApp(storefront.url));
  });
  beforeEach(() => {
    storefront.reset();
    storefront.on('GET /v1/categories', { status: 200, body: categories });
    storefront.on('GET /v1/products', {
      status: 200,
      body: { items: [product()], nextCursor: null },
    });
    storefront.on(`GET /v1/products/${PRODUCT_ID}`, { status: 200, body: product() });
    storefront.on('GET /v1/search', { status: 200, body: searchResult });
  });
  afterAll(async () => {
    await app?.close();
    await storefront?.close();
  });

  /** A visitor with a cookie jar: GET a page, then POST its form with the page's CSRF token. */
  async function visitor() {
    const jar: Record<string, string> = {};
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { cookie: cookieHeader(jar), ...headers },
      });
      cookiesOf(response.headers['set-cookie'], jar);
      return response;
    };
    const post = async (
      url: string,
      form: Record<string, string>,
      headers: Record<string, string> = {},
    ) => {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: cookieHeader(jar),
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        payload: new URLSearchParams(form).toString(),
      });
      cookiesOf(response.headers['set-cookie'], jar);
      return response;
    };
    return { jar, get, post };
  }

  it('when a page is served, then it carries a CSP without unsafe-inline and no inline script or style', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.body).not.toMatch(/\sstyle=/);
    expect(response.body).toContain('<main id="main"');
  });

  it('when a product is opened, then its page has the title, description, OpenGraph tags and a locale price', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/p/${PRODUCT_ID}`,
      headers: { 'accept-language': 'de-DE,de;q=0.9' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>Enamel mug · Bazaar</title>');
    expect(response.body).toMatch(/<meta name="description" content="Blue enamel, 350 ml"\s*\/?>/);
    expect(response.body).toMatch(/<meta property="og:type" content="product"\s*\/?>/);
    expect(response.body).toContain(
      `<meta property="og:url" content="http://127.0.0.1:8086/p/${PRODUCT_ID}"`,
    );
    expect(response.body).toMatch(/<meta property="product:price:amount" content="24\.50"\s*\/?>/);
    expect(response.body).toMatch(/24,50\s€/);
  });

  it('when a product name holds markup, then the page shows it as text', async () => {
    storefront.on(`GET /v1/products/${PRODUCT_ID}`, {
      status: 200,
      body: product({ name: '<img src=x onerror=alert(1)>' }),
    });
    const response = await app.inject({ method: 'GET', url: `/p/${PRODUCT_ID}` });
    expect(response.body).not.toContain('<img src=x');
    expect(response.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('when search highlights carry anything but <mark>, then it is escaped', async () => {
    storefront.on('GET /v1/search', {
      status: 200,
      body: {
        ...searchResult,
        items: [
          {
            ...searchResult.items[0],
            highlight: { name: '<mark>a</mark><script>x</script>', description: '' },
          },
        ],
      },
    });
    const response = await app.inject({ method: 'GET', url: '/search?q=a' });
    expect(response.body).toContain('&lt;mark&gt;a&lt;/mark&gt;&lt;script&gt;');
    expect(response.body).not.toContain('<script>x');
  });

  it('when a search matches, then the hits are highlighted and facets and sorting are offered', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/search?q=enamle&brand=Bazaar%20Basics',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<mark>Enamel</mark> mug');
    expect(response.body).toContain('aria-current="true"');
    expect(response.body).toContain('<option value="price_asc"');
    const asked = storefront.received.find((s) => s.url.startsWith('/v1/search'))!;
    const query = new URL(asked.url, 'http://storefront').searchParams;
    expect([query.get('q'), query.getAll('brand')]).toEqual(['enamle', ['Bazaar Basics']]);
  });

  it('when a category is opened with a brand and a sort, then search is asked for that category and the page offers both', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/c/kitchen?brand=Bazaar%20Basics&sort=price_desc',
    });
    expect(response.statusCode).toBe(200);
    const asked = new URL(
      storefront.received.find((s) => s.url.startsWith('/v1/search'))!.url,
      'http://x',
    );
    expect(asked.searchParams.get('category')).toBe(CATEGORY_ID);
    expect(asked.searchParams.getAll('brand')).toEqual(['Bazaar Basics']);
    expect(asked.searchParams.get('sort')).toBe('price_desc');
    expect(response.body).toMatch(/<option value="price_desc"\s+selected/);
    expect(response.body).toContain('href="/c/kitchen?sort=price_desc"');
    expect(response.body).toMatch(
      /href="\/c\/kitchen\?brand=Bazaar\+Basics&amp;minPrice=0&amp;maxPrice=4999&amp;sort=price_desc"/,
    );
  });

  it('when search refuses the filters, then the page answers 400 in words, not a 404', async () => {
    storefront.on('GET /v1/search', {
      status: 400,
      body: { title: 'Bad Request', status: 400, detail: 'minPrice is above maxPrice' },
    });
    const response = await app.inject({
      method: 'GET',
      url: '/search?q=mug&minPrice=9&maxPrice=1',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('We could not read that request');
  });

  it('when the page does not exist, or the product is unknown, then the 404 page answers', async () => {
    const missing = await app.inject({ method: 'GET', url: '/no/such/page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('text/html');
    expect(missing.body).toContain('Page not found');
    const unknown = await app.inject({
      method: 'GET',
      url: '/p/01936f5e-8b7a-7c3e-9d41-2f6a1b0c0000',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Page not found');
    const bad = await app.inject({ method: 'GET', url: '/p/not-an-id' });
    expect(bad.statusCode).toBe(404);
  });

  it('when search is down, then the search page says so and category pages list from the catalog', async () => {
    storefront.on('GET /v1/search', {
      status: 503,
      body: { title: 'Service Unavailable', status: 503 },
      headers: { 'retry-after': '1' },
    });
    const search = await app.inject({ method: 'GET', url: '/search?q=mug' });
    expect(search.statusCode).toBe(503);
    expect(search.body).toContain('Search is unavailable right now');
    expect(search.body).toContain('href="/c/kitchen"');
    const category = await app.inject({ method: 'GET', url: '/c/kitchen' });
    expect(category.statusCode).toBe(200);
    expect(category.body).toContain('Filters and sorting are unavailable');
    expect(category.body).toContain('Enamel mug');
    expect(
      storefront.received.some(
        (s) => s.url.startsWith('/v1/products?') && s.url.includes('category=kitchen'),
      ),
    ).toBe(true);
  });

  it('when categories cannot be read, then a product page still renders without its breadcrumb', async () => {
    const { app: fresh } = await webApp(storefront.url);
    try {
      storefront.on('GET /v1/categories', {
        status: 503,
        body: { title: 'Service Unavailable', status: 503 },
      });
      const response = await fresh.inject({ method: 'GET', url: `/p/${PRODUCT_ID}` });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('Enamel mug');
      expect(response.body).not.toContain('aria-label="Breadcrumb"');
    } finally {
      await fresh.close();
    }
  });

  it('when a form is posted without the session’s CSRF token, then it is refused with 403', async () => {
    const shopper = await visitor();
    await shopper.get('/');
    const without = await shopper.post('/cart/items', { productId: PRODUCT_ID });
    expect(without.statusCode).toBe(403);
    const forged = await shopper.post('/cart/items', { productId: PRODUCT_ID, _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    const stranger = await visitor();
    const theirs = csrfIn((await stranger.get('/signin')).body);
    expect(
      (await shopper.post('/cart/items', { productId: PRODUCT_ID, _csrf: theirs })).statusCode,
    ).toBe(403);
    expect(storefront.received.some((s) => s.url.startsWith('/v1/carts'))).toBe(false);
  });

  it('when a product is added with the token, then a cart is opened and the quantity set', async () => {
    storefront.on('POST /v1/carts', { status: 201, body: { ...cart, items: [] } });
    storefront.on(`GET /v1/carts/${CART_ID}`, { status: 200, body: cart });
    storefront.on(`PUT /v1/carts/${CART_ID}/items/${PRODUCT_ID}`, { status: 200, body: cart });
    const shopper = await visitor();
    const csrf = csrfIn((await shopper.get(`/p/${PRODUCT_ID}`)).body);
    const added = await shopper.post(
      '/cart/items',
      { productId: PRODUCT_ID, _csrf: csrf },
      { accept: 'application/json' },
    );
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({ count: 1 });
    expect(shopper.jar.bz_cart).toBe(CART_ID);
    expect(storefront.received.find((s) => s.method === 'PUT')!.body).toEqual({ quantity: 1 });
    const again = await shopper.post('/cart/items', { productId: PRODUCT_ID, _csrf: csrf });
    expect(again.statusCode).toBe(303);
    expect(storefront.received.filter((s) => s.method === 'PUT')[1]!.body).toEqual({ quantity: 2 });
  });

  it('when the cart refuses a change, then the cart page shows the cart as it is with the reason', async () => {
    storefront.on(`GET /v1/carts/${CART_ID}`, { status: 200, body: cart });
    storefront.on(`PUT /v1/carts/${CART_ID}/items/${PRODUCT_ID}`, {
      status: 409,
      body: { title: 'Conflict', status: 409, detail: 'A cart holds at most 100 products.' },
    });
    const shopper = await visitor();
    shopper.jar.bz_cart = CART_ID;
    const page = await shopper.get('/cart');
    const response = await shopper.post(`/cart/items/${PRODUCT_ID}`, {
      _csrf: csrfIn(page.body),
      quantity: '3',
    });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('A cart holds at most 100 products.');
    expect(response.body).toContain('Enamel mug');
  });

  it('when sign-up is refused with field errors, then each shows as a sentence beside its field', async () => {
    storefront.on('POST /v1/auth/register', {
      status: 400,
      body: {
        type: 'https://bazaar.dev/problems/validation-failed',
        title: 'Request validation failed',
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [
          { field: 'body.password', message: 'must NOT have fewer than 10 characters' },
          { field: 'body.email', message: 'must match format "email"' },
        ],
      },
    });
    const shopper = await visitor();
    const csrf = csrfIn((await shopper.get('/signup')).body);
    const response = await shopper.post('/signup', {
      _csrf: csrf,
      name: 'Ada',
      email: 'ada@',
      password: 'short',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      '<p class="field-error" id="f-password-error">Password must not have fewer than 10 characters.</p>',
    );
    expect(response.body).toContain('Email must match format &quot;email&quot;.');
    expect(response.body).toMatch(
      /id="f-password"[^>]*aria-invalid="true"[^>]*aria-describedby="f-password-hint f-password-error"/,
    );
    expect(response.body).toContain('value="ada@"');
    expect(response.body).not.toContain('value="short"');
  });

  it('when a shopper signs in, then the tokens are kept in HttpOnly, Secure, SameSite cookies', async () => {
    storefront.on('POST /v1/auth/login', { status: 200, body: tokens() });
    const shopper = await visitor();
    const csrf = csrfIn((await shopper.get('/signin')).body);
    const response = await shopper.post('/signin', {
      _csrf: csrf,
      email: 'ada@example.com',
      password: 'correct horse battery',
      next: '/orders',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/orders');
    const lines = [response.headers['set-cookie']].flat() as string[];
    for (const name of ['bz_at', 'bz_rt']) {
      const line = lines.find((l) => l.startsWith(`${name}=`))!;
      expect(line).toMatch(/HttpOnly/);
      expect(line).toMatch(/Secure/);
      expect(line).toMatch(/SameSite=Lax/);
    }
  });

  it('when next points to another site, then sign-in goes home instead', async () => {
    storefront.on('POST /v1/auth/login', { status: 200, body: tokens() });
    const shopper = await visitor();
    const csrf = csrfIn((await shopper.get('/signin')).body);
    const response = await shopper.post('/signin', {
      _csrf: csrf,
      email: 'a@b.c',
      password: 'x',
      next: '//evil.example',
    });
    expect(response.headers.location).toBe('/');
  });

  it('when the access token has expired, then the refresh token buys a new pair before the page asks the API', async () => {
    storefront.on('POST /v1/auth/refresh', {
      status: 200,
      body: tokens('Ada Lovelace', 'access-2', 'refresh-2'),
    });
    storefront.on('GET /v1/orders', { status: 200, body: { items: [], nextCursor: null } });
    const shopper = await visitor();
    shopper.jar.bz_rt = 'refresh-1';
    shopper.jar.bz_name = 'Ada';
    const response = await shopper.get('/orders');
    expect(response.statusCode).toBe(200);
    expect(storefront.received.find((s) => s.url === '/v1/auth/refresh')!.body).toEqual({
      refreshToken: 'refresh-1',
    });
    expect(
      storefront.received.find((s) => s.url.startsWith('/v1/orders'))!.headers.authorization,
    ).toBe('Bearer access-2');
    expect(shopper.jar).toMatchObject({ bz_at: 'access-2', bz_rt: 'refresh-2' });
  });

  it('when the refresh token is refused, then the shopper is signed out and sent to sign in', async () => {
    storefront.on('POST /v1/auth/refresh', {
      status: 401,
      body: { title: 'Unauthorized', status: 401 },
    });
    const shopper = await visitor();
    shopper.jar.bz_rt = 'spent';
    const response = await shopper.get('/orders');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/signin?next=%2Forders');
    expect(shopper.jar.bz_rt).toBeUndefined();
  });

  it('when the storefront refuses the access token, then the visitor is signed out and sent to sign in', async () => {
    storefront.on('GET /v1/orders', { status: 401, body: { title: 'Unauthorized', status: 401 } });
    const shopper = await visitor();
    Object.assign(shopper.jar, { bz_at: 'revoked', bz_rt: 'refresh-1', bz_name: 'Ada' });
    const response = await shopper.get('/orders');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/signin?next=%2Forders');
    expect(shopper.jar.bz_at).toBeUndefined();
    expect(shopper.jar.bz_rt).toBeUndefined();
  });

  it('when a shopper cancels their order, then the storefront is asked and the order page shows it cancelled', async () => {
    let cancelled = false;
    storefront.on(`GET /v1/orders/${ORDER_ID}`, () => ({
      status: 200,
      body: cancelled
        ? order({ status: 'cancelled', cancelReason: 'customer_cancelled' })
        : order(),
    }));
    storefront.on(`POST /v1/orders/${ORDER_ID}/cancel`, () => {
      cancelled = true;
      return {
        status: 200,
        body: order({ status: 'cancelled', cancelReason: 'customer_cancelled' }),
      };
    });
    const shopper = await visitor();
    Object.assign(shopper.jar, { bz_at: 'access-1', bz_rt: 'refresh-1' });
    const page = await shopper.get(`/orders/${ORDER_ID}`);
    expect(page.body).toContain('Cancel this order');
    const response = await shopper.post(`/orders/${ORDER_ID}/cancel`, { _csrf: csrfIn(page.body) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/orders/${ORDER_ID}`);
    expect(storefront.received.find((s) => s.method === 'POST')!.headers.authorization).toBe(
      'Bearer access-1',
    );
    const after = await shopper.get(`/orders/${ORDER_ID}`);
    expect(after.body).toContain('You cancelled this order.');
    expect(after.body).not.toContain('Cancel this order');
  });

  it('when the storefront ends or refuses an order stream, then the page script gets the same answer, not a 502', async () => {
    const shopper = await visitor();
    Object.assign(shopper.jar, { bz_at: 'access-1', bz_rt: 'refresh-1' });
    // 204: the order is final and the stream is over (an EventSource stops reconnecting).
    storefront.on(`GET /v1/orders/${ORDER_ID}/events`, { status: 204 });
    const over = await shopper.get(`/orders/${ORDER_ID}/events`);
    expect(over.statusCode).toBe(204);
    // 429: too many streams for this shopper; the script retries when told.
    storefront.on(`GET /v1/orders/${ORDER_ID}/events`, {
      status: 429,
      headers: { 'retry-after': '10' },
      body: { title: 'Too many order streams', status: 429 },
    });
    const busy = await shopper.get(`/orders/${ORDER_ID}/events`);
    expect(busy.statusCode).toBe(429);
    expect(busy.headers['retry-after']).toBe('10');
  });

  it('when the order can no longer be cancelled, then the order page says why', async () => {
    storefront.on(`GET /v1/orders/${ORDER_ID}`, {
      status: 200,
      body: order({ status: 'shipped' }),
    });
    storefront.on(`POST /v1/orders/${ORDER_ID}/cancel`, {
      status: 409,
      body: { title: 'Conflict', status: 409, detail: 'The order has shipped.' },
    });
    const shopper = await visitor();
    Object.assign(shopper.jar, { bz_at: 'access-1', bz_rt: 'refresh-1' });
    const csrf = csrfIn((await shopper.get('/signin')).body);
    const response = await shopper.post(`/orders/${ORDER_ID}/cancel`, { _csrf: csrf });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('The order has shipped.');
  });

  it('when checkout is unavailable, then the form says so, keeps the address and the same key', async () => {
    storefront.on(`GET /v1/carts/${CART_ID}`, { status: 200, body: cart });
    storefront.on('POST /v1/orders', {
      status: 503,
      body: { title: 'Service Unavailable', status: 503 },
      headers: { 'retry-after': '4' },
    });
    const shopper = await visitor();
    shopper.jar.bz_at = 'access-1';
    shopper.jar.bz_rt = 'refresh-1';
    shopper.jar.bz_cart = CART_ID;
    const page = await shopper.get('/checkout');
    expect(page.statusCode).toBe(200);
    const key = /name="key" value="([^"]+)"/.exec(page.body)![1]!;
    const response = await shopper.post('/checkout', {
      _csrf: csrfIn(page.body),
      key,
      'shippingAddress.name': 'Ada Lovelace',
      'shippingAddress.line1': '12 Market Street',
      'shippingAddress.city': 'Lyon',
      'shippingAddress.postalCode': '69001',
      'shippingAddress.country': 'fr',
      'payment.card.number': '4242 4242 4242 4242',
      'payment.card.expMonth': '12',
      'payment.card.expYear': '2030',
      'payment.card.cvc': '123',
    });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('Checkout is unavailable right now');
    expect(response.body).toContain(`name="key" value="${key}"`);
    expect(response.body).toContain('value="12 Market Street"');
    expect(response.body).not.toMatch(/name="payment\.card\.number"[^>]*value=/);
    expect(response.body).not.toMatch(/name="payment\.card\.cvc"[^>]*value=/);
    const sent = storefront.received.find((s) => s.url === '/v1/orders')!;
    expect(sent.headers['idempotency-key']).toBe(key);
    expect(sent.body).toMatchObject({
      cartId: CART_ID,
      shippingAddress: { country: 'FR' },
      payment: { card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' } },
    });
  });

  it('when checkout refuses a field, then the error shows beside it', async () => {
    storefront.on(`GET /v1/carts/${CART_ID}`, { status: 200, body: cart });
    storefront.on('POST /v1/orders', {
      status: 400,
      body: {
        title: 'Request validation failed',
        status: 400,
        errors: [{ field: 'shippingAddress.country', message: 'is not a country' }],
      },
    });
    const shopper = await visitor();
    Object.assign(shopper.jar, { bz_at: 'access-1', bz_rt: 'refresh-1', bz_cart: CART_ID });
    const page = await shopper.get('/checkout');
    const response = await shopper.post('/checkout', {
      _csrf: csrfIn(page.body),
      key: /name="key" value="([^"]+)"/.exec(page.body)![1]!,
      'shippingAddress.name': 'Ada',
      'shippingAddress.line1': '1 Rue',
      'shippingAddress.city': 'Lyon',
      'shippingAddress.postalCode': '69001',
      'shippingAddress.country': 'XX',
      'payment.card.number': '4242424242424242',
      'payment.card.expMonth': '12',
      'payment.card.expYear': '2030',
      'payment.card.cvc': '123',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      '<p class="field-error" id="f-shippingAddress-country-error">Country is not a country.</p>',
    );
  });

  it('when a page links its script and stylesheet, then they are served gzipped, immutable and small', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    const script = /<script type="module" src="([^"]+)"/.exec(page.body)![1]!;
    const style = /<link rel="stylesheet" href="([^"]+)"/.exec(page.body)![1]!;
    for (const url of [script, style]) {
      const asset = await app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-encoding']).toBe('gzip');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // The budget for JavaScript on any page is 100 KB gzipped; the shop ships far less.
      expect(asset.rawPayload.length).toBeLessThan(100 * 1024);
    }
  });

  it('when health is asked, then the service kit answers as for every service', async () => {
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
  });

  it.each([
    '/metrics',
    '/health/ready',
    '/health/live',
    '/docs',
    '/docs/json',
    '/docs/static/index.html',
  ])(
    'when %s is asked through the ingress, then it is not found (it answers inside the cluster only)',
    async (url) => {
      const response = await app.inject({ url, headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toMatch(/process_|http_request|openapi|swagger/i);
    },
  );

  it('when the OpenAPI document is read inside the cluster, then it describes every page (operationId, tags, description) and no asset or fallback', async () => {
    const response = await app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
      .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })))
      .filter(({ method }) => method !== 'parameters');
    expect(operations.length).toBeGreaterThan(15);
    const incomplete = operations
      .filter(({ op }) => !op.operationId || !op.description || !(op.tags?.length > 0))
      .map(({ path, method }) => `${method} ${path}`);
    expect(incomplete).toEqual([]);
    expect(
      Object.keys(document.paths).filter((p) => p.startsWith('/assets') || p.includes('*')),
    ).toEqual([]);
    const tags = new Set((document.tags as { name: string }[]).map((t) => t.name));
    expect(operations.flatMap(({ op }) => op.tags).filter((t: string) => !tags.has(t))).toEqual([]);
  });
});
