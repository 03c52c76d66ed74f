import { Events, type EventData } from '@bazaar/contracts';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** The schema of the full product document catalog publishes in `product.*` events. */
export const ProductDocumentSchema = Events['product.created'].versions[1].properties.product;

/** A product as catalog describes it in `product.created|updated` and `GET /internal/products`. */
export type ProductDocument = EventData<'product.created'>['product'];

const check = TypeCompiler.Compile(ProductDocumentSchema);

/** The problems that keep a value from being a product document; empty when it is one. */
export function productDocumentProblems(value: unknown): string[] {
  return [...check.Errors(value)].map((error) => `${error.path || '/'} ${error.message}`);
}
