import { createLocalJWKSet, errors as joseErrors, type JWK, type JWTVerifyGetKey } from 'jose';

/**
 * A jose key resolver over a key set that changes: rebuilt when the set is replaced, and on an
 * unknown `kid` one reload is tried (at most every `cooldownMs`) in case another replica has
 * just published a key.
 */
export function changingKeyResolver(
  current: () => { keys: JWK[] },
  reload: () => Promise<void>,
  cooldownMs = 5_000,
): JWTVerifyGetKey {
  let lastReload = 0;
  return async (header, token) => {
    try {
      return await createLocalJWKSet(current())(header, token);
    } catch (error) {
      if (
        !(error instanceof joseErrors.JWKSNoMatchingKey) ||
        Date.now() - lastReload < cooldownMs
      ) {
        throw error;
      }
      lastReload = Date.now();
      await reload();
      return createLocalJWKSet(current())(header, token);
    }
  };
}
