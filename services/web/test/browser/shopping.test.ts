import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, poll, type Api } from '../../../../tests/e2e/src/api.js';
import { adminToken, expectStatus } from '../../../../tests/e2e/src/shop.js';
import {
  launchChromium,
  screenshotDir,
  seriousViolations,
  watchedPage,
  type WatchedPage,
} from './browser.js';
import { startShop, type ShopSystem } from './shop-system.js';

const STARTUP_MS = 300_000;
const STEP_MS = 90_000;

/**
 * The shop in Debian's Chromium, headless, through the real system: six services, the web
 * shop, Postgres and RabbitMQ. The test provider answers after 1.5 s, so an order page opens
 * before the order is confirmed and the status has to arrive live.
 */
describe('the web shop in a real browser', () => {
  let shop: ShopSystem;
  let storefront: Api;
  let browser: Browser;
  let context: BrowserContext;
  let tab: WatchedPage;
  let page: Page;
  let shots: string;
  let step = 0;
  let firstOrderUrl: string;
  const email = `web-${Date.now()}@e2e.bazaar.test`;
  const password = 'a long enough passphrase';

  const snap = async (name: string) => {
    step += 1;
    await page.screenshot({
      path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const url = (path: string) => `${shop.web}${path}`;
  const accessible = async () => expect(await seriousViolations(page)).toEqual([]);

  beforeAll(async () => {
    shop = await startShop('web', { TEST_PROVIDER_LATENCY_MS: '1500' });
    storefront = api(shop.system.storefront);
    const admin = await adminToken(storefront);
    for (const [name, brand, amount] of [
      ['Marmalade Teapot', 'Hearth & Kiln', 2450],
      ['Marmalade Teapot Mini', 'Bazaar Basics', 1450],
    ] as const) {
      const created = await storefront.post(
        '/v1/admin/products',
        {
          sku: `WEB-${brand.slice(0, 3).toUpperCase()}-${amount}`,
          name,
          description: `A glazed stoneware teapot by ${brand}`,
          brand,
          price: { amount, currency: 'EUR' },
          stock: 20,
        },
        { token: admin },
      );
      expectStatus('create product', created, 201);
    }
    await poll(
      () => storefront.get('/v1/search?q=marmalade'),
      (answer) => answer.status === 200 && answer.body.total === 2,
      { timeoutMs: 60_000 },
    );
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-IE' });
    tab = await watchedPage(context);
    page = tab.page;
    shots = screenshotDir('shopping');
  }, STARTUP_MS);

  afterEach(() => {
    // Any console error, uncaught exception or failed request fails the step it happened in.
    const problems = tab?.problems.splice(0) ?? [];
    if (problems.length > 0) throw new Error(`the page had problems:\n${problems.join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  }, STARTUP_MS);

  it(
    'when a shopper opens the shop, then the home page lists categories and products',
    async () => {
      const response = await page.goto(url('/'));
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { name: 'Categories' }).isVisible()).resolves.toBe(
        true,
      );
      expect(await page.locator('.category-list a').count()).toBeGreaterThan(0);
      expect(await page.locator('.cards .card').count()).toBeGreaterThan(0);
      const csp = response!.headers()['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      await snap('home');
      await accessible();
    },
    STEP_MS,
  );

  it(
    'when they search with a one-letter typo, then suggestions come while typing and the matches are highlighted',
    async () => {
      await page.getByLabel('Search products').pressSequentially('marmlade', { delay: 40 });
      await page.waitForFunction(
        () => document.querySelectorAll('#suggestions option').length >= 2,
        undefined,
        { timeout: 10_000 },
      );
      const suggestions = await page
        .locator('#suggestions option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      expect(suggestions).toEqual(
        expect.arrayContaining(['Marmalade Teapot', 'Marmalade Teapot Mini']),
      );
      await Promise.all([page.waitForURL(/\/search\?q=marmlade/), page.keyboard.press('Enter')]);
      await expect(page.locator('.result-count').innerText()).resolves.toBe('2 products');
      expect(await page.locator('.card-title mark').first().textContent()).toMatch(/marmalade/i);
      await snap('search');
      await accessible();
    },
    STEP_MS,
  );

  it(
    'when they pick a brand facet, then only that brand is left',
    async () => {
      await Promise.all([
        page.waitForURL(/brand=Hearth/),
        page.getByRole('link', { name: /Hearth & Kiln/ }).click(),
      ]);
      await expect(page.locator('.result-count').innerText()).resolves.toBe('1 product');
      await snap('facet');
    },
    STEP_MS,
  );

  it(
    'when they open the product, then it has its price, stock and OpenGraph tags',
    async () => {
      await Promise.all([page.waitForURL(/\/p\//), page.locator('.card-title a').first().click()]);
      await expect(page.title()).resolves.toBe('Marmalade Teapot · Bazaar');
      await expect(page.locator('.product-price').innerText()).resolves.toBe('€24.50');
      await expect(page.locator('meta[property="og:title"]').getAttribute('content')).resolves.toBe(
        'Marmalade Teapot',
      );
      await expect(page.locator('meta[property="og:url"]').getAttribute('content')).resolves.toBe(
        page.url(),
      );
      await expect(
        page.locator('meta[name="description"]').getAttribute('content'),
      ).resolves.toContain('Hearth & Kiln');
      await snap('product');
      await accessible();
    },
    STEP_MS,
  );

  it(
    'when they add it to the cart, then the page says so and the cart holds it with the API total',
    async () => {
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Your cart has 1 item').waitFor();
      await snap('added');
      await Promise.all([
        page.waitForURL(/\/cart$/),
        page.getByRole('link', { name: 'View cart' }).click(),
      ]);
      await expect(page.locator('.cart-total').innerText()).resolves.toBe('€24.50');
      await snap('cart');
      await accessible();
    },
    STEP_MS,
  );

  it(
    'when they go to checkout, then they sign up on the way and land on the checkout form with the test cards named',
    async () => {
      await Promise.all([
        page.waitForURL(/\/signin/),
        page.getByRole('link', { name: 'Checkout' }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/\/signup/),
        page.getByRole('link', { name: 'Create an account' }).click(),
      ]);
      await page.getByLabel('Name').fill('Ada Lovelace');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await snap('sign-up');
      await Promise.all([
        page.waitForURL(/\/checkout$/),
        page.getByRole('button', { name: 'Sign up' }).click(),
      ]);
      // The session cookies were kept over http://127.0.0.1 although they are Secure.
      const cookies = await context.cookies(shop.web);
      const access = cookies.find((c) => c.name === 'bz_at');
      expect(access).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
      await expect(page.locator('#test-cards').innerText()).resolves.toContain(
        '4242 4242 4242 4242',
      );
      await snap('checkout');
      await accessible();
    },
    STEP_MS,
  );

  const fillCheckout = async (card: string) => {
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Address', { exact: true }).fill('12 Market Street');
    await page.getByLabel('City').fill('Lyon');
    await page.getByLabel('Postal code').fill('69001');
    await page.getByLabel('Country').fill('FR');
    await page.getByLabel('Card number').fill(card);
    await page.getByLabel('Expiry month').fill('12');
    await page.getByLabel('Expiry year').fill(String(new Date().getFullYear() + 3));
    await page.getByLabel('Security code').fill('123');
  };

  /** Places the order and follows the order page until the status settles, with no reload. */
  const placeAndFollow = async (settled: 'confirmed' | 'cancelled') => {
    await Promise.all([
      page.waitForURL(/\/orders\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Place order' }).click(),
    ]);
    const status = page.locator('#order-status');
    const first = await status.getAttribute('data-status');
    expect(first).not.toBe(settled);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.waitForSelector(`#order-status[data-status="${settled}"]`, { timeout: 30_000 });
    await expect(
      page.evaluate(() => (window as unknown as { marker?: number }).marker),
    ).resolves.toBe(1);
    return status;
  };

  it(
    'when they pay with 4242…, then the order page turns confirmed without a reload',
    async () => {
      await fillCheckout('4242 4242 4242 4242');
      const status = await placeAndFollow('confirmed');
      await expect(status.locator('[data-field="status"]').innerText()).resolves.toBe('confirmed');
      expect(
        await page.getByRole('link', { name: /trace in Jaeger/ }).getAttribute('href'),
      ).toContain(encodeURIComponent('"order.id"'));
      const history = await page
        .locator('[data-field="history"] li')
        .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.key));
      expect(new Set(history).size).toBe(history.length);
      expect(history.at(-1)).toBe('confirmed:payment_authorized');
      // Rows the script added read like the rows the server wrote.
      const rows = await page.locator('[data-field="history"] li').allInnerTexts();
      for (const row of rows) expect(row).toMatch(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC — /);
      firstOrderUrl = page.url();
      await snap('order-confirmed');
      await accessible();
    },
    STEP_MS,
  );

  it(
    'when they pay with a declined card, then the order ends cancelled with its reason shown',
    async () => {
      await page.goto(url('/search?q=teapot+mini'));
      await Promise.all([page.waitForURL(/\/p\//), page.locator('.card-title a').first().click()]);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Your cart has 1 item').waitFor();
      await page.goto(url('/checkout'));
      await fillCheckout('4000 0000 0000 0002');
      const status = await placeAndFollow('cancelled');
      await expect(status.locator('[data-field="reason"]').innerText()).resolves.toBe(
        'The payment was declined by the card issuer.',
      );
      expect(await page.getByRole('button', { name: 'Cancel this order' }).count()).toBe(0);
      await snap('order-declined');
    },
    STEP_MS,
  );

  it(
    'when they sign out and back in, then their history shows both orders',
    async () => {
      await page.goto(url('/'));
      await Promise.all([
        page.waitForURL(url('/')),
        page.getByRole('button', { name: /Sign out/ }).click(),
      ]);
      await expect(page.getByRole('link', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await page.goto(url('/orders'));
      await page.waitForURL(/\/signin/);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await Promise.all([
        page.waitForURL(/\/orders$/),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await expect(page.locator('.order-list li').count()).resolves.toBe(2);
      await expect(page.locator('.order-list').innerText()).resolves.toMatch(
        /confirmed[\s\S]*|cancelled/,
      );
      await snap('history');
    },
    STEP_MS,
  );

  it(
    'when they cancel the confirmed order, then its page says they cancelled it',
    async () => {
      await page.goto(firstOrderUrl);
      await Promise.all([
        page.waitForURL(firstOrderUrl),
        page.getByRole('button', { name: 'Cancel this order' }).click(),
      ]);
      await expect(page.locator('#order-status').getAttribute('data-status')).resolves.toBe(
        'cancelled',
      );
      await expect(page.locator('[data-field="reason"]').innerText()).resolves.toBe(
        'You cancelled this order.',
      );
      await snap('order-cancelled');
    },
    STEP_MS,
  );

  it(
    'when another shopper opens that order URL, then they get the 404 page',
    async () => {
      const other = await browser.newContext();
      const otherTab = await watchedPage(other);
      const path = new URL(firstOrderUrl).pathname;
      otherTab.expect(404, path);
      await otherTab.page.goto(url('/signup'));
      await otherTab.page.getByLabel('Name').fill('Mallory');
      await otherTab.page.getByLabel('Email').fill(`mallory-${Date.now()}@e2e.bazaar.test`);
      await otherTab.page.getByLabel('Password').fill(password);
      await Promise.all([
        otherTab.page.waitForURL(url('/')),
        otherTab.page.getByRole('button', { name: 'Sign up' }).click(),
      ]);
      const response = await otherTab.page.goto(firstOrderUrl);
      expect(response?.status()).toBe(404);
      await expect(otherTab.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
        'Page not found',
      );
      await otherTab.page.screenshot({
        path: join(shots, `${String(++step).padStart(2, '0')}-not-yours.png`),
      });
      expect(otherTab.problems).toEqual([]);
      await other.close();
    },
    STEP_MS,
  );

  it(
    'when JavaScript is off, then browsing, search and product pages still render',
    async () => {
      const plain = await browser.newContext({ javaScriptEnabled: false });
      const plainTab = await watchedPage(plain);
      const p = plainTab.page;
      await p.goto(url('/'));
      const category = await p.locator('.category-list a').first().getAttribute('href');
      await p.goto(url(category!));
      expect(await p.locator('.cards .card').count()).toBeGreaterThan(0);
      await p.screenshot({
        path: join(shots, `${String(++step).padStart(2, '0')}-nojs-category.png`),
      });
      await p.goto(url('/search?q=marmlade'));
      await expect(p.locator('.result-count').innerText()).resolves.toBe('2 products');
      await Promise.all([p.waitForURL(/\/p\//), p.locator('.card-title a').first().click()]);
      await expect(p.locator('.product-price').isVisible()).resolves.toBe(true);
      // Without the script the form posts and the cart page opens.
      await Promise.all([
        p.waitForURL(/\/cart$/),
        p.getByRole('button', { name: 'Add to cart' }).click(),
      ]);
      expect(await p.locator('.cart-table tbody tr').count()).toBe(1);
      await p.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-nojs-cart.png`) });
      expect(plainTab.problems).toEqual([]);
      await plain.close();
    },
    STEP_MS,
  );
});
