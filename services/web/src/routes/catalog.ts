import { UUID_PATTERN } from '@bazaar/service-kit';
import { UpstreamUnavailableError } from '@bazaar/http-client';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { html } from '../html.js';
import {
  homePage,
  listingPage,
  plainListingPage,
  productPage,
  searchUnavailablePage,
  type Filters,
} from '../views/catalog.js';
import { errorPage, notFoundPage } from '../views/errors.js';
import { findCategory, pageContext, sendPage, type RouteDeps } from './page-kit.js';

const SortSchema = Type.Union(
  ['relevance', 'price_asc', 'price_desc', 'newest'].map((s) => Type.Literal(s)),
);

export const ListingQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  brand: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 })),
  minPrice: Type.Optional(Type.Integer({ minimum: 0 })),
  maxPrice: Type.Optional(Type.Integer({ minimum: 0 })),
  sort: Type.Optional(SortSchema),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
type ListingQuery = Static<typeof ListingQuery>;

export function filtersOf(query: ListingQuery): Filters {
  return {
    q: query.q?.trim() || undefined,
    brand: query.brand ?? [],
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    sort: query.sort as Filters['sort'],
  };
}

export function searchQuery(filters: Filters, cursor: string | undefined, category?: string) {
  return {
    q: filters.q,
    category,
    brand: filters.brand.length ? filters.brand : undefined,
    minPrice: filters.minPrice,
    maxPrice: filters.maxPrice,
    sort: filters.sort,
    cursor,
    limit: 24,
  };
}

/** Search could not answer: unavailable (503 or no answer at all). */
export function searchIsDown(error: unknown): boolean {
  return error instanceof UpstreamUnavailableError;
}

/** Home, category pages (facets and sorting through search, plain lists without it), products. */
export async function catalogRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { api } = deps;

  app.get('/', async (request, reply) => {
    const caller = { requestId: request.id, ip: request.ip };
    const [categories, products] = await Promise.all([
      deps.categories.tree(request.id, request.ip),
      api.products(caller, { limit: 8 }).catch((error: unknown) => {
        if (error instanceof UpstreamUnavailableError) return undefined;
        throw error;
      }),
    ]);
    const items = products?.ok ? products.body.items : [];
    const notice = products?.ok
      ? undefined
      : 'Products cannot be shown right now; please try again shortly.';
    return sendPage(
      reply,
      pageContext(deps, request),
      homePage(pageContext(deps, request), categories, items, notice),
    );
  });

  app.get<{ Params: { slug: string }; Querystring: ListingQuery }>(
    '/c/:slug',
    { schema: { querystring: ListingQuery } },
    async (request, reply) => {
      const ctx = pageContext(deps, request);
      const tree = await deps.categories.tree(request.id, request.ip);
      const category = findCategory(tree, (c) => c.slug === request.params.slug);
      if (!category) return sendPage(reply, ctx, notFoundPage(), 404);
      const filters = filtersOf(request.query);
      const caller = { requestId: request.id, ip: request.ip };
      try {
        const result = await api.search(
          caller,
          searchQuery(filters, request.query.cursor, category.id),
        );
        if (result.ok) {
          const base = `/c/${encodeURIComponent(category.slug)}`;
          return sendPage(
            reply,
            ctx,
            listingPage(ctx, {
              title: category.name,
              heading: html`${category.name}`,
              base,
              filters,
              result: result.body,
            }),
          );
        }
        if (result.status !== 503)
          request.log.info({ status: result.status }, 'search refused a category listing');
      } catch (error) {
        if (!searchIsDown(error)) throw error;
        request.log.warn({ err: error }, 'search unavailable: category listed from the catalog');
      }
      // Browsing does not depend on search: the catalog lists the category without facets.
      const plain = await api.products(caller, {
        category: category.slug,
        limit: 24,
        cursor: request.query.cursor,
      });
      if (!plain.ok) return sendPage(reply, ctx, notFoundPage(), 404);
      const next = plain.body.nextCursor
        ? `/c/${encodeURIComponent(category.slug)}?cursor=${encodeURIComponent(plain.body.nextCursor)}`
        : undefined;
      return sendPage(reply, ctx, plainListingPage(ctx, category, plain.body.items, next));
    },
  );

  app.get<{ Params: { id: string } }>('/p/:id', async (request, reply) => {
    const ctx = pageContext(deps, request);
    if (!UUID_PATTERN.test(request.params.id)) return sendPage(reply, ctx, notFoundPage(), 404);
    const [answer, tree] = await Promise.all([
      api.product({ requestId: request.id, ip: request.ip }, request.params.id),
      deps.categories.tree(request.id, request.ip),
    ]);
    if (!answer.ok) return sendPage(reply, ctx, notFoundPage(), 404);
    const product = answer.body;
    const category = product.categoryId
      ? findCategory(tree, (c) => c.id === product.categoryId)
      : undefined;
    return sendPage(reply, ctx, productPage(ctx, product, category));
  });
}

export async function searchRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { api } = deps;

  app.get<{ Querystring: ListingQuery }>(
    '/search',
    { schema: { querystring: ListingQuery } },
    async (request, reply) => {
      const filters = filtersOf(request.query);
      const ctx = pageContext(deps, request, { query: filters.q ?? '' });
      const caller = { requestId: request.id, ip: request.ip };
      try {
        const result = await api.search(caller, searchQuery(filters, request.query.cursor));
        if (result.ok) {
          const heading = filters.q ? html`Results for “${filters.q}”` : html`All products`;
          const title = filters.q ? `Search: ${filters.q}` : 'All products';
          return sendPage(
            reply,
            ctx,
            listingPage(ctx, { title, heading, base: '/search', filters, result: result.body }),
          );
        }
        // A filter search refuses (a price range upside down, a foreign cursor).
        return sendPage(reply, ctx, errorPage(400), 400);
      } catch (error) {
        if (!searchIsDown(error)) throw error;
        request.log.warn({ err: error }, 'search unavailable');
        const tree = await deps.categories.tree(request.id, request.ip);
        return sendPage(reply, ctx, searchUnavailablePage(ctx, tree), 503);
      }
    },
  );

  /** As-you-type suggestions for the search box's datalist: product names, JSON. */
  app.get<{ Querystring: { q?: string } }>(
    '/search/suggest',
    { schema: { querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }) } },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      reply.header('cache-control', 'no-store');
      if (q.length < 2) return { items: [] };
      try {
        const result = await api.search({ requestId: request.id, ip: request.ip }, { q, limit: 6 });
        const items = result.ok
          ? result.body.items.map((hit) => ({ id: hit.id, name: hit.name }))
          : [];
        return { items };
      } catch (error) {
        if (!searchIsDown(error)) throw error;
        return { items: [] };
      }
    },
  );
}
