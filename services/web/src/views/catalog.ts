import type {
  Category,
  Money,
  PriceBucket,
  Product,
  SearchHit,
  SearchResult,
} from '../clients/storefront.js';
import { formatMoney, majorUnits } from '../format.js';
import { html, trustedHighlight, type SafeHtml } from '../html.js';
import { csrfField, type PageContent, type PageContext } from './layout.js';

export function price(money: Money, ctx: PageContext): SafeHtml {
  return html`<span class="price">${formatMoney(money, ctx.locale)}</span>`;
}

function stockText(available: number): string {
  if (available === 0) return 'Out of stock';
  if (available < 5) return `Only ${available} left`;
  return 'In stock';
}

function productCard(
  ctx: PageContext,
  item: { id: string; brand: string; price: Money; stock: { available: number } },
  name: SafeHtml | string,
  snippet?: SafeHtml,
): SafeHtml {
  return html`<li class="card">
    <h3 class="card-title"><a href="/p/${item.id}">${name}</a></h3>
    <p class="card-brand">${item.brand}</p>
    ${snippet ? html`<p class="card-snippet">${snippet}</p>` : ''}
    <p class="card-price">
      ${price(item.price, ctx)} <span class="stock">${stockText(item.stock.available)}</span>
    </p>
  </li>`;
}

function categoryLinks(categories: Category[]): SafeHtml {
  return html`<ul class="category-list">
    ${categories.map(
      (c) =>
        html`<li>
          <a href="/c/${c.slug}">${c.name}</a>${c.children.length ? categoryLinks(c.children) : ''}
        </li>`,
    )}
  </ul>`;
}

export function homePage(
  ctx: PageContext,
  categories: Category[],
  products: Product[],
  notice?: string,
): PageContent {
  return {
    title: 'Bazaar',
    description: 'Shop the Bazaar catalog: browse categories, search and order.',
    main: html`<h1>Welcome to Bazaar</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">Categories</h2>
        ${categories.length ? categoryLinks(categories) : html`<p>No categories yet.</p>`}
      </section>
      <section aria-labelledby="new-heading">
        <h2 id="new-heading">New in the shop</h2>
        <ul class="cards">
          ${products.map((p) => productCard(ctx, p, p.name))}
        </ul>
      </section>`,
  };
}

export type Sort = 'relevance' | 'price_asc' | 'price_desc' | 'newest';
export const SORTS: Record<Sort, string> = {
  relevance: 'Relevance',
  newest: 'Newest',
  price_asc: 'Price, low to high',
  price_desc: 'Price, high to low',
};

/** The filters of a listing, as they appear in its URL. */
export interface Filters {
  q?: string;
  brand: string[];
  minPrice?: number;
  maxPrice?: number;
  sort?: Sort;
}

export function filterQuery(filters: Filters, change: Partial<Filters> = {}): string {
  const merged = { ...filters, ...change };
  const params = new URLSearchParams();
  if (merged.q) params.set('q', merged.q);
  for (const brand of merged.brand) params.append('brand', brand);
  if (merged.minPrice !== undefined) params.set('minPrice', String(merged.minPrice));
  if (merged.maxPrice !== undefined) params.set('maxPrice', String(merged.maxPrice));
  if (merged.sort) params.set('sort', merged.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function priceLabel(bucket: PriceBucket, ctx: PageContext, currency: string): string {
  const from = formatMoney({ amount: bucket.min, currency }, ctx.locale);
  if (bucket.max === null) return `${from} and more`;
  return `${from} – ${formatMoney({ amount: bucket.max, currency }, ctx.locale)}`;
}

function facets(ctx: PageContext, base: string, filters: Filters, result: SearchResult): SafeHtml {
  const currency = result.items[0]?.price.currency ?? 'EUR';
  const brandLink = (value: string, count: number) => {
    const on = filters.brand.includes(value);
    const brand = on ? filters.brand.filter((b) => b !== value) : [...filters.brand, value];
    return html`<li>
      <a
        href="${base}${filterQuery(filters, { brand })}"
        class="facet${on ? ' facet-on' : ''}"
        ${on ? html`aria-current="true"` : ''}
        >${on ? '✓ ' : ''}${value} <span class="count">(${count})</span></a
      >
    </li>`;
  };
  const priceLink = (bucket: PriceBucket) => {
    const maxPrice = bucket.max === null ? undefined : bucket.max - 1;
    const on = filters.minPrice === bucket.min && filters.maxPrice === maxPrice;
    const change = on
      ? { minPrice: undefined, maxPrice: undefined }
      : { minPrice: bucket.min, maxPrice };
    return html`<li>
      <a
        href="${base}${filterQuery(filters, change)}"
        class="facet${on ? ' facet-on' : ''}"
        ${on ? html`aria-current="true"` : ''}
        >${on ? '✓ ' : ''}${priceLabel(bucket, ctx, currency)}
        <span class="count">(${bucket.count})</span></a
      >
    </li>`;
  };
  return html`<aside class="facets" aria-labelledby="filters-heading">
    <h2 id="filters-heading">Filters</h2>
    <h3>Brand</h3>
    <ul class="facet-list">
      ${result.facets.brand.map((b) => brandLink(b.value, b.count))}
    </ul>
    <h3>Price</h3>
    <ul class="facet-list">
      ${result.facets.price.filter((b) => b.count > 0).map(priceLink)}
    </ul>
  </aside>`;
}

function sortForm(base: string, filters: Filters, sorts: Sort[]): SafeHtml {
  return html`<form method="get" action="${base}" class="sort-form" data-autosubmit>
    ${filters.q ? html`<input type="hidden" name="q" value="${filters.q}" />` : ''}
    ${filters.brand.map((b) => html`<input type="hidden" name="brand" value="${b}" />`)}
    ${filters.minPrice !== undefined ? html`<input type="hidden" name="minPrice" value="${filters.minPrice}" />` : ''}
    ${filters.maxPrice !== undefined ? html`<input type="hidden" name="maxPrice" value="${filters.maxPrice}" />` : ''}
    <label for="sort">Sort by</label>
    <select id="sort" name="sort">
      ${sorts.map((s) => html`<option value="${s}" ${filters.sort === s ? html` selected` : ''}>${SORTS[s]}</option>`)}
    </select>
    <button type="submit">Sort</button>
  </form>`;
}

function hitCard(ctx: PageContext, hit: SearchHit): SafeHtml {
  return productCard(
    ctx,
    hit,
    trustedHighlight(hit.highlight.name),
    hit.highlight.description ? trustedHighlight(hit.highlight.description) : undefined,
  );
}

/** A search result or a category's products through search: hits, facets, sorting, next page. */
export function listingPage(
  ctx: PageContext,
  options: {
    title: string;
    heading: SafeHtml;
    base: string;
    filters: Filters;
    result: SearchResult;
    cursor?: string;
  },
): PageContent {
  const { filters, result, base } = options;
  const sorts: Sort[] = filters.q
    ? ['relevance', 'price_asc', 'price_desc', 'newest']
    : ['newest', 'price_asc', 'price_desc'];
  const next = result.nextCursor
    ? `${base}${filterQuery(filters)}${filterQuery(filters) ? '&' : '?'}cursor=${encodeURIComponent(result.nextCursor)}`
    : undefined;
  return {
    title: options.title,
    description: `${result.total} products`,
    main: html`<h1>${options.heading}</h1>
      <p class="result-count" role="status">
        ${result.total === 1 ? '1 product' : `${result.total} products`}
      </p>
      <div class="listing">
        ${facets(ctx, base, filters, result)}
        <section class="results" aria-label="Results">
          ${sortForm(base, filters, sorts)}
          ${
            result.items.length
              ? html`<ul class="cards">
                  ${result.items.map((hit) => hitCard(ctx, hit))}
                </ul>`
              : html`<p>Nothing matches. Try fewer words or remove a filter.</p>`
          }
          ${next ? html`<p><a href="${next}" rel="next">Next page</a></p>` : ''}
        </section>
      </div>`,
  };
}

/** A category's products straight from the catalog, when search cannot give facets. */
export function plainListingPage(
  ctx: PageContext,
  category: Category,
  products: Product[],
  next: string | undefined,
): PageContent {
  return {
    title: category.name,
    description: `${category.name} at Bazaar`,
    main: html`<h1>${category.name}</h1>
      <p class="notice" role="status">
        Filters and sorting are unavailable for a moment; here is everything in ${category.name}.
      </p>
      <ul class="cards">
        ${products.map((p) => productCard(ctx, p, p.name))}
      </ul>
      ${next ? html`<p><a href="${next}" rel="next">Next page</a></p>` : ''}`,
  };
}

export function searchUnavailablePage(ctx: PageContext, categories: Category[]): PageContent {
  return {
    title: 'Search is unavailable',
    main: html`<h1>Search is unavailable right now</h1>
      <p role="status">
        Our search is taking a break. You can still browse every product by category, and
        ${ctx.signedIn ? 'your cart and orders' : 'your cart'} work as usual.
      </p>
      ${categoryLinks(categories)}`,
  };
}

export function productPage(
  ctx: PageContext,
  product: Product,
  category: Category | undefined,
): PageContent {
  const available = product.stock.available;
  const description = product.description || `${product.name} by ${product.brand}`;
  const attributes = Object.entries(product.attributes);
  return {
    title: product.name,
    description: description.slice(0, 300),
    og: {
      'og:type': 'product',
      'product:brand': product.brand,
      'product:price:amount': majorUnits(product.price),
      'product:price:currency': product.price.currency,
      'product:availability': available > 0 ? 'in stock' : 'out of stock',
    },
    main: html`${category ? html`<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/">Home</a> › <a href="/c/${category.slug}">${category.name}</a></nav>` : ''}
      <article class="product">
        <h1>${product.name}</h1>
        <p class="card-brand">${product.brand}</p>
        <p class="product-price">${price(product.price, ctx)}</p>
        <p class="stock" id="stock">${stockText(available)}</p>
        <p>${product.description}</p>
        ${
          attributes.length
            ? html`<dl class="attributes">
                ${attributes.map(
                  ([k, v]) =>
                    html`<dt>${k}</dt>
                      <dd>${v}</dd>`,
                )}
              </dl>`
            : ''
        }
        ${
          available > 0
            ? html`<form
                method="post"
                action="/cart/items"
                class="add-to-cart"
                data-enhance="add-to-cart"
              >
                ${csrfField(ctx)}
                <input type="hidden" name="productId" value="${product.id}" />
                <label for="quantity">Quantity</label>
                <input
                  id="quantity"
                  name="quantity"
                  type="number"
                  min="1"
                  max="${Math.min(99, available)}"
                  value="1"
                  inputmode="numeric"
                  required
                />
                <button type="submit">Add to cart</button>
                <p class="added" role="status" aria-live="polite"></p>
              </form>`
            : html`<p>This product is out of stock.</p>`
        }
      </article>`,
  };
}
