import { v7 as uuidv7 } from 'uuid';
import type { NewCategory } from '../db/categories-repository.js';
import type { NewProduct } from '../db/products-repository.js';
import { ADJECTIVES, CATEGORY_TREE, type CategorySpec, type LeafSpec } from './catalog-data.js';
import { Random } from './random.js';

/** Seeded ids carry a fixed time, so the same seed gives the same ids on every run. */
const CATEGORY_EPOCH = Date.UTC(2025, 0, 1);
const PRODUCT_EPOCH = Date.UTC(2025, 6, 1);

export interface SeedLeaf {
  categoryId: string;
  slug: string;
  spec: LeafSpec;
}

/** The category tree, parents first, with ids that are the same for every seed. */
export function seedCategories(): { categories: NewCategory[]; leaves: SeedLeaf[] } {
  const random = new Random(0xca7a1061);
  const categories: NewCategory[] = [];
  const leaves: SeedLeaf[] = [];
  const visit = (specs: CategorySpec[], parentId: string | null) => {
    specs.forEach((spec, position) => {
      const id = uuidv7({ msecs: CATEGORY_EPOCH + categories.length, random: random.bytes(16) });
      categories.push({ id, slug: spec.slug, name: spec.name, parentId, position });
      if (spec.leaf) leaves.push({ categoryId: id, slug: spec.slug, spec: spec.leaf });
      if (spec.children) visit(spec.children, id);
    });
  };
  visit(CATEGORY_TREE, null);
  return { categories, leaves };
}

function priceInCents(random: Random, [low, high]: [number, number]): number {
  // Log-uniform: as many cheap things as dear ones, like a real shop.
  const euros = Math.exp(Math.log(low) + random.next() * (Math.log(high) - Math.log(low)));
  const ending = random.pick([99, 99, 99, 95, 49, 0]);
  return Math.max(1, Math.floor(euros)) * 100 + ending;
}

function stockLevel(random: Random): number {
  if (random.chance(0.08)) return 0;
  if (random.chance(0.15)) return random.int(1, 5);
  return random.int(6, 250);
}

function describe(random: Random, name: string, spec: LeafSpec): string {
  const [a, b] = [random.pick(spec.features), random.pick(spec.features)];
  const extra = a === b ? '' : ` It also offers ${b}.`;
  return `The ${name} comes with ${a}.${extra} Ships within two working days; free returns for 30 days.`;
}

/**
 * The demo products, one after another: product `i` depends only on the seed and `i`, so a
 * larger `--products` extends a smaller catalog of the same seed rather than changing it.
 */
export function* generateProducts(
  seed: number,
  count: number,
  leaves: readonly SeedLeaf[],
): Generator<NewProduct> {
  const random = new Random(seed);
  for (let i = 0; i < count; i++) {
    const leaf = random.pick(leaves);
    const { spec } = leaf;
    const brand = random.pick(spec.brands);
    const model = random.chance(0.6)
      ? ` ${random.int(1, 9)}${random.pick(['', '0', '00', 'X'])}`
      : '';
    const name = `${brand} ${random.pick(ADJECTIVES)}${model} ${random.pick(spec.nouns)}`;
    const attributes: Record<string, string> = {};
    for (const [key, values] of Object.entries(spec.attributes)) {
      attributes[key] = random.pick(values);
    }
    yield {
      id: uuidv7({ msecs: PRODUCT_EPOCH + i, random: random.bytes(16) }),
      sku: `${leaf.slug.slice(0, 3).toUpperCase()}-${seed}-${String(i + 1).padStart(6, '0')}`,
      name,
      description: describe(random, name, spec),
      brand,
      categoryId: leaf.categoryId,
      price: { amount: priceInCents(random, spec.price), currency: 'EUR' },
      attributes,
      available: stockLevel(random),
    };
  }
}
