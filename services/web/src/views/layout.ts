import { html, type SafeHtml } from '../html.js';

/** What every page needs to know about the visitor and the shop around it. */
export interface PageContext {
  locale: string;
  signedIn: boolean;
  name: string | undefined;
  csrfToken: string;
  assets: { js: string; css: string; icon: string };
  /** The search box's text, kept on search pages. */
  query?: string;
  localMode: boolean;
  jaegerUrl: string;
  publicUrl: string;
  path: string;
}

export interface PageContent {
  title: string;
  description?: string;
  /** OpenGraph properties beyond title, description and url (`og:type`, `product:price:amount`). */
  og?: Record<string, string>;
  main: SafeHtml;
}

const SHOP = 'Bazaar';

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}" />`;
}

function header(ctx: PageContext): SafeHtml {
  const account = ctx.signedIn
    ? html`<li><a href="/orders">Orders</a></li>
        <li>
          <form method="post" action="/signout" class="inline-form">
            ${csrfField(ctx)}
            <button type="submit" class="link-button">
              Sign out${ctx.name ? html` <span class="who">(${ctx.name})</span>` : ''}
            </button>
          </form>
        </li>`
    : html`<li><a href="/signin">Sign in</a></li>
        <li><a href="/signup">Sign up</a></li>`;
  return html`<header class="site-header">
    <a class="skip-link" href="#main">Skip to content</a>
    <a class="brand" href="/"
      ><img src="${ctx.assets.icon}" alt="" width="28" height="28" /> ${SHOP}</a
    >
    <form class="search-form" role="search" method="get" action="/search">
      <label for="q" class="visually-hidden">Search products</label>
      <input
        id="q"
        name="q"
        type="search"
        value="${ctx.query ?? ''}"
        placeholder="Search products"
        autocomplete="off"
        list="suggestions"
        maxlength="200"
        data-suggest="/search/suggest"
      />
      <datalist id="suggestions"></datalist>
      <button type="submit">Search</button>
    </form>
    <nav aria-label="Account">
      <ul class="nav-list">
        <li><a href="/cart">Cart</a></li>
        ${account}
      </ul>
    </nav>
  </header>`;
}

/** A whole HTML document around a page's main content. */
export function layout(ctx: PageContext, page: PageContent): string {
  const title = page.title === SHOP ? SHOP : `${page.title} · ${SHOP}`;
  const url = new URL(ctx.path, ctx.publicUrl).toString();
  const og = {
    'og:site_name': SHOP,
    'og:title': page.title,
    'og:url': url,
    'og:type': 'website',
    ...(page.description ? { 'og:description': page.description } : {}),
    ...page.og,
  };
  return html`<!doctype html>
    <html lang="${ctx.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        ${page.description ? html`<meta name="description" content="${page.description}" />` : ''}
        <link rel="canonical" href="${url}" />
        ${Object.entries(og).map(([property, content]) => html`<meta property="${property}" content="${content}" /> `)}
        <link rel="icon" href="${ctx.assets.icon}" type="image/svg+xml" />
        <link rel="stylesheet" href="${ctx.assets.css}" />
        <script type="module" src="${ctx.assets.js}"></script>
      </head>
      <body>
        ${header(ctx)}
        <main id="main" tabindex="-1">${page.main}</main>
        <footer class="site-footer">
          <p>${SHOP} — a demo shop on the Bazaar storefront API.</p>
        </footer>
      </body>
    </html> `.value;
}
