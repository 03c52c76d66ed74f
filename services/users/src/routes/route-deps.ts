import type { UsersContext } from '../domain/context.js';

/** What route modules are given by `buildApp` (routes hand it to one domain call). */
export interface RouteDeps {
  /** The users domain: database, password hasher, key store, token and throttle settings. */
  ctx: UsersContext;
}
