import type { FastifyInstance, FastifySchema } from 'fastify';

/**
 * The web shop's OpenAPI document (`/docs`, served inside the cluster only: its Ingress routes
 * every path here, and the service kit's guard keeps `/docs` from it) describes its pages for the
 * team: each route's operation id, tag and what it does. Pages and forms are not an API; the
 * shop's clients are browsers, and the public API is the storefront's.
 */
export const PAGE_TAGS = [
  { name: 'catalog', description: 'Browsing, search and product pages' },
  { name: 'cart', description: 'The visitor’s cart' },
  { name: 'account', description: 'Signing up, in and out' },
  { name: 'orders', description: 'Checkout, order history and an order’s live status' },
];

type Tag = (typeof PAGE_TAGS)[number]['name'];

/**
 * The keys of a route's schema that @fastify/swagger reads (its own typing of them reaches this
 * package only through the service kit's sources, not its compiled declarations).
 */
type DocumentedSchema = FastifySchema & {
  hide?: boolean;
  operationId?: string;
  tags?: string[];
  description?: string;
};

/** A route left out of the OpenAPI document. */
export const UNDOCUMENTED: DocumentedSchema = { hide: true };

const PAGES: Record<string, [operationId: string, tag: Tag, description: string]> = {
  'GET /': ['homePage', 'catalog', 'The home page: categories and the newest products.'],
  'GET /c/:slug': [
    'categoryPage',
    'catalog',
    'A category’s products, with brand filters and sorting.',
  ],
  'GET /p/:id': [
    'productPage',
    'catalog',
    'A product: price, stock, attributes and the add-to-cart form.',
  ],
  'GET /search': ['searchPage', 'catalog', 'Search results with highlights, facets and sorting.'],
  'GET /search/suggest': [
    'searchSuggestions',
    'catalog',
    'As-you-type suggestions for the search box (JSON).',
  ],
  'GET /cart': ['cartPage', 'cart', 'The cart: its lines, their totals, and the way to checkout.'],
  'POST /cart/items': [
    'addToCart',
    'cart',
    'Adds a product to the cart (form post, then back to the page).',
  ],
  'POST /cart/items/:productId': [
    'setCartQuantity',
    'cart',
    'Sets a cart line’s quantity; zero removes it.',
  ],
  'GET /signup': ['signUpPage', 'account', 'The sign-up form.'],
  'POST /signup': ['signUp', 'account', 'Creates the account and signs the visitor in.'],
  'GET /signin': ['signInPage', 'account', 'The sign-in form.'],
  'POST /signin': ['signIn', 'account', 'Signs the visitor in.'],
  'POST /signout': ['signOut', 'account', 'Signs the visitor out (the refresh token is revoked).'],
  'GET /checkout': ['checkoutPage', 'orders', 'The checkout form: shipping address and card.'],
  'POST /checkout': ['checkOut', 'orders', 'Places the order, then shows its page.'],
  'GET /orders': ['ordersPage', 'orders', 'The shopper’s orders, newest first.'],
  'GET /orders/:id': [
    'orderPage',
    'orders',
    'One order: lines, total, and its status, followed live.',
  ],
  'GET /orders/:id/events': [
    'orderEvents',
    'orders',
    'The order’s status changes as server-sent events, for the order page’s script.',
  ],
  'POST /orders/:id/cancel': ['cancelOrder', 'orders', 'Cancels an order that is not shipped yet.'],
};

/**
 * Gives each page route of this context its entry of the document; a page without one fails at
 * start, so the document cannot fall behind the pages. `/*` (the 404 page) is left out of it.
 */
export function documentPages(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((method) => method !== 'HEAD');
    if (methods.length === 0) return;
    if (route.url === '/*') {
      route.schema = { ...route.schema, ...UNDOCUMENTED };
      return;
    }
    const key = `${methods.join(',')} ${route.url}`;
    const page = PAGES[key];
    if (!page) throw new Error(`page ${key} has no entry in src/routes/page-docs.ts`);
    const [operationId, tag, description] = page;
    const documented: DocumentedSchema = { operationId, tags: [tag], description };
    route.schema = { ...route.schema, ...documented };
  });
}
