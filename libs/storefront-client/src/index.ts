import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './generated/storefront.js';

/**
 * The storefront's public API as one typed client. The types are generated from the storefront's
 * committed OpenAPI document (`contracts-snapshots/openapi/storefront.json`, which `pnpm test`
 * checks against the document the storefront serves) by openapi-typescript; calls go through
 * openapi-fetch: `client.GET('/v1/products/{id}', { params: { path: { id } } })`. A path, a
 * parameter, a body or a field read that the document does not have fails to compile.
 */
export type StorefrontClient = Client<paths>;
export type { components, operations, paths, ClientOptions, Middleware };

/** A client of the storefront at `baseUrl`; `fetch` (and `Request`) chooses the transport. */
export function createStorefrontClient(options: ClientOptions): StorefrontClient {
  return createClient<paths>(options);
}

/** The name of each operation of the document (its `operationId`). */
export type OperationId = keyof operations;

type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } }
  ? Body
  : never;

/** The JSON an operation answers with the given status: `ResponseBody<'getProduct', 200>`. */
export type ResponseBody<
  Id extends OperationId,
  Status extends keyof operations[Id]['responses'],
> = JsonOf<operations[Id]['responses'][Status]>;

/** The JSON body an operation takes: `RequestBody<'placeOrder'>`. */
export type RequestBody<Id extends OperationId> = operations[Id] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

/** The query parameters an operation takes: `QueryOf<'searchProducts'>`. */
export type QueryOf<Id extends OperationId> = NonNullable<operations[Id]['parameters']['query']>;

/** A problem+json answer, as the document describes every refusal. */
export type Problem = components['schemas']['Problem'];
