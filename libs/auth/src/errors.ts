import { AppError } from '@bazaar/service-kit';

/**
 * The answers of a guarded route, as problems through the service kit's error handler:
 * 401 when the caller is not authenticated (no token, a bad one), 403 when the token is good but
 * lacks the role, 503 when the keys to check it cannot be had.
 */
export const authErrors = {
  unauthenticated: (detail: string, error: 'invalid_token' | null = 'invalid_token') =>
    new AppError(
      'AUTH_UNAUTHENTICATED',
      401,
      'Unauthorized',
      detail,
      {},
      {
        'www-authenticate': error
          ? `Bearer realm="bazaar", error="${error}", error_description="${detail}"`
          : 'Bearer realm="bazaar"',
      },
    ),
  forbidden: (role: string) =>
    new AppError(
      'AUTH_FORBIDDEN',
      403,
      'Forbidden',
      `this needs the ${role} role`,
      {},
      { 'www-authenticate': 'Bearer realm="bazaar", error="insufficient_scope"' },
    ),
  keysUnavailable: () =>
    new AppError(
      'AUTH_KEYS_UNAVAILABLE',
      503,
      'Service Unavailable',
      'the keys to check access tokens cannot be fetched right now',
      {},
      { 'retry-after': '5' },
    ),
};
