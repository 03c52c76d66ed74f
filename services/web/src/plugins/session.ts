import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Caller, StorefrontApi, Tokens } from '../clients/storefront.js';

/**
 * The visitor's session, kept entirely in cookies (this service stores nothing):
 *
 * - `bz_at` access token and `bz_rt` refresh token: HttpOnly (no script reads them, so an
 *   injected script cannot steal them), Secure, SameSite=Lax (sent on a link from elsewhere, not
 *   on a cross-site POST). The access token's cookie lives as long as the token does; when it is
 *   gone the refresh token buys a new pair, lazily, only when a page needs the token (two pages
 *   refreshing at once would spend the same refresh token twice, which users answers by revoking
 *   the family).
 * - `bz_name`: the shopper's name, for the header; never trusted for anything else.
 * - `bz_cart`: the cart's id (an anonymous cart's id is its capability, so HttpOnly too).
 * - `bz_sid`: a random id the CSRF token is an HMAC of (double submit, signed): a form carries
 *   `_csrf`, a script sends `x-csrf-token`; a cross-site page can read neither.
 */
export interface Session {
  /** The shopper's name when signed in (from the cookie; the token decides what they may do). */
  readonly name: string | undefined;
  readonly signedIn: boolean;
  readonly csrfToken: string;
  readonly cartId: string | undefined;
  /** The caller with a fresh access token when there is a session, refreshed if needed. */
  caller(): Promise<Caller>;
  signIn(tokens: Tokens): void;
  signOut(): Promise<void>;
  /** Forgets the tokens without telling the storefront (it already refused them). */
  expire(): void;
  setCart(cartId: string | undefined): void;
}

/** The request's cookies (RFC 6265 `name=value; ...`; values are ours, base64url or UUIDs). */
export function parseCookies(header: string | undefined): Record<string, string | undefined> {
  const cookies: Record<string, string | undefined> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (!(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        // not one of ours
      }
    }
  }
  return cookies;
}

interface CookieOptions {
  maxAge?: number;
}

/** A Set-Cookie line: HttpOnly, Secure, SameSite=Lax, whole site; `maxAge` 0 deletes. */
function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions = {}) {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'Secure',
    'SameSite=Lax',
  ];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  reply.header('set-cookie', parts.join('; '));
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session;
  }
}

const COOKIE = {
  access: 'bz_at',
  refresh: 'bz_rt',
  name: 'bz_name',
  cart: 'bz_cart',
  sid: 'bz_sid',
};
const REFRESH_MAX_AGE_S = 30 * 24 * 3600;
const CART_MAX_AGE_S = 30 * 24 * 3600;

export interface SessionOptions {
  api: StorefrontApi;
  csrfSecret: string;
}

function sign(secret: string, sid: string): string {
  return createHmac('sha256', secret).update(sid).digest('base64url');
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function createSession(
  request: FastifyRequest,
  reply: FastifyReply,
  { api, csrfSecret }: SessionOptions,
): Session {
  const cookies = parseCookies(request.headers.cookie);
  let sid = cookies[COOKIE.sid];
  if (!sid || !/^[\w-]{22}$/.test(sid)) {
    sid = randomBytes(16).toString('base64url');
    setCookie(reply, COOKIE.sid, sid);
  }
  let access = cookies[COOKIE.access];
  let refresh = cookies[COOKIE.refresh];
  let name = cookies[COOKIE.name];
  let cartId = cookies[COOKIE.cart];
  const anonymous: Caller = { requestId: request.id, ip: request.ip };
  let refreshing: Promise<Caller> | undefined;

  const store = (tokens: Tokens) => {
    access = tokens.accessToken;
    refresh = tokens.refreshToken;
    name = tokens.user.name;
    // A little before the token itself expires, so a page never sends one that just did.
    const accessAge = Math.max(1, tokens.expiresIn - 30);
    setCookie(reply, COOKIE.access, access, { maxAge: accessAge });
    setCookie(reply, COOKIE.refresh, refresh, { maxAge: REFRESH_MAX_AGE_S });
    setCookie(reply, COOKIE.name, name, { maxAge: REFRESH_MAX_AGE_S });
  };
  const forget = () => {
    access = refresh = name = undefined;
    for (const key of [COOKIE.access, COOKIE.refresh, COOKIE.name])
      setCookie(reply, key, '', { maxAge: 0 });
  };

  return {
    get name() {
      return refresh ? name : undefined;
    },
    get signedIn() {
      return Boolean(refresh || access);
    },
    csrfToken: sign(csrfSecret, sid),
    get cartId() {
      return cartId && /^[0-9a-f-]{36}$/i.test(cartId) ? cartId : undefined;
    },
    caller() {
      if (access) return Promise.resolve({ ...anonymous, token: access });
      if (!refresh) return Promise.resolve(anonymous);
      refreshing ??= api.refresh(anonymous, refresh).then((answer) => {
        if (!answer.ok) {
          request.log.info({ status: answer.status }, 'refresh refused: signed out');
          forget();
          return anonymous;
        }
        store(answer.body);
        return { ...anonymous, token: answer.body.accessToken };
      });
      return refreshing;
    },
    signIn: store,
    async signOut() {
      const caller = await this.caller();
      if (refresh && caller.token) await api.logout(caller, refresh);
      forget();
      this.setCart(undefined);
    },
    expire: forget,
    setCart(id) {
      cartId = id;
      setCookie(reply, COOKIE.cart, id ?? '', { maxAge: id ? CART_MAX_AGE_S : 0 });
    },
  };
}

/** Reads the session on every request and refuses state changes without the CSRF token. */
export const sessionPlugin = fp(
  async (app: FastifyInstance, options: SessionOptions) => {
    app.decorateRequest('session', null as unknown as Session);
    app.addHook('onRequest', async (request, reply) => {
      request.session = createSession(request, reply, options);
    });
  },
  { name: 'session' },
);

/** The CSRF token a state-changing request carried (form field or header), if any. */
export function csrfTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}
