import type { Upstreams } from '../clients/upstreams.js';

/** What route modules need: the internal services (the storefront keeps no state of its own). */
export interface RouteDeps {
  upstreams: Upstreams;
}
