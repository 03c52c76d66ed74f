import { UpstreamUnavailableError } from '@bazaar/http-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Category, StorefrontApi } from '../clients/storefront.js';
import { localMode, type Config } from '../config.js';
import { localeOf } from '../format.js';
import type { Assets } from '../plugins/assets.js';
import { layout, type PageContent, type PageContext } from '../views/layout.js';

/** What every route of the shop works with. */
export interface RouteDeps {
  api: StorefrontApi;
  config: Config;
  assets: Assets;
  categories: CategoryCache;
}

export function pageContext(
  deps: RouteDeps,
  request: FastifyRequest,
  extra: Partial<PageContext> = {},
): PageContext {
  const { session } = request;
  return {
    locale: localeOf(request.headers['accept-language'], deps.config.DEFAULT_LOCALE),
    signedIn: session.signedIn,
    name: session.name,
    csrfToken: session.csrfToken,
    assets: { js: deps.assets.js.url, css: deps.assets.css.url, icon: deps.assets.icon.url },
    localMode: localMode(deps.config),
    jaegerUrl: deps.config.JAEGER_UI_URL,
    publicUrl: deps.config.PUBLIC_URL,
    path: request.url,
    ...extra,
  };
}

export function sendPage(
  reply: FastifyReply,
  ctx: PageContext,
  content: PageContent,
  status = 200,
): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(layout(ctx, content));
}

/** A path on this site to go back to after signing in (never another site: `//evil`, `/\evil`). */
export function safeNext(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : fallback;
}

/**
 * The category tree, kept for a minute: every page's navigation needs it and it changes rarely.
 * A failed read is not kept, so the next page tries again; meanwhile the last tree read (or none)
 * is used.
 */
export interface CategoryCache {
  tree(requestId: string, ip: string): Promise<Category[]>;
}

export function categoryCache(api: StorefrontApi, ttlMs = 60_000): CategoryCache {
  let kept: { at: number; items: Category[] } | undefined;
  let pending: Promise<Category[]> | undefined;
  return {
    async tree(requestId, ip) {
      if (kept && Date.now() - kept.at < ttlMs) return kept.items;
      pending ??= api
        .categories({ requestId, ip })
        .then(
          (answer) => {
            const items = answer.ok ? answer.body.items : [];
            if (answer.ok) kept = { at: Date.now(), items };
            return items;
          },
          // Navigation is a nicety: a page whose own data arrived still renders without it.
          (error: unknown) => {
            if (error instanceof UpstreamUnavailableError) return kept?.items ?? [];
            throw error;
          },
        )
        .finally(() => (pending = undefined));
      return pending;
    },
  };
}

export function findCategory(
  tree: Category[],
  match: (c: Category) => boolean,
): Category | undefined {
  for (const category of tree) {
    if (match(category)) return category;
    const found = findCategory(category.children, match);
    if (found) return found;
  }
  return undefined;
}
