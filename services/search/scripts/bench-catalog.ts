// A synthetic but plausible catalog for benchmarks: a category tree, a few hundred brands,
// names and descriptions drawn from per-category vocabularies, prices spread over every range.
// Deterministic for a seed, so runs compare.
import { v7 as uuidv7 } from 'uuid';
import type { ProductDocument } from '../src/domain/product-document.js';

/** mulberry32: small, fast, good enough to spread values. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TREE: Record<string, { children: string[]; nouns: string[] }> = {
  Electronics: {
    children: ['Laptops', 'Phones', 'Audio', 'Cameras', 'Accessories', 'Monitors'],
    nouns: [
      'laptop',
      'phone',
      'headphones',
      'speaker',
      'monitor',
      'keyboard',
      'mouse',
      'charger',
      'cable',
      'camera',
      'tablet',
      'earbuds',
      'webcam',
      'router',
      'smartwatch',
    ],
  },
  Home: {
    children: ['Furniture', 'Lighting', 'Decor', 'Bedding', 'Storage'],
    nouns: [
      'lamp',
      'chair',
      'table',
      'sofa',
      'rug',
      'vase',
      'shelf',
      'mirror',
      'cushion',
      'blanket',
      'pillow',
      'basket',
      'clock',
      'candle',
      'curtain',
    ],
  },
  Kitchen: {
    children: ['Cookware', 'Appliances', 'Tableware', 'Coffee'],
    nouns: [
      'kettle',
      'toaster',
      'pan',
      'pot',
      'knife',
      'mug',
      'plate',
      'bowl',
      'blender',
      'grinder',
      'espresso machine',
      'cutting board',
      'teapot',
      'whisk',
    ],
  },
  Outdoor: {
    children: ['Tents', 'Backpacks', 'Camping Kitchen', 'Climbing'],
    nouns: [
      'tent',
      'backpack',
      'stove',
      'sleeping bag',
      'headlamp',
      'water bottle',
      'trekking poles',
      'hammock',
      'harness',
      'carabiner',
      'cooler',
      'tarp',
    ],
  },
  Fashion: {
    children: ['Shoes', 'Jackets', 'Shirts', 'Bags', 'Hats'],
    nouns: [
      'sneakers',
      'boots',
      'jacket',
      'shirt',
      'dress',
      'jeans',
      'scarf',
      'hat',
      'belt',
      'sweater',
      'hoodie',
      'tote bag',
      'socks',
      'gloves',
    ],
  },
  Sports: {
    children: ['Running', 'Cycling', 'Fitness', 'Racket Sports'],
    nouns: [
      'running shoes',
      'bike helmet',
      'yoga mat',
      'dumbbell',
      'tennis racket',
      'football',
      'jump rope',
      'cycling gloves',
      'water bottle',
      'kettlebell',
      'resistance band',
    ],
  },
  Toys: {
    children: ['Puzzles', 'Building Sets', 'Plush', 'Board Games'],
    nouns: [
      'puzzle',
      'building set',
      'plush bear',
      'board game',
      'doll',
      'toy car',
      'kite',
      'train set',
      'card game',
      'robot kit',
    ],
  },
  Garden: {
    children: ['Tools', 'Planters', 'Watering'],
    nouns: [
      'shovel',
      'rake',
      'planter',
      'watering can',
      'hose',
      'pruning shears',
      'wheelbarrow',
      'bird feeder',
      'seed tray',
      'garden gloves',
    ],
  },
  Office: {
    children: ['Stationery', 'Desks', 'Organizers'],
    nouns: [
      'notebook',
      'pen',
      'desk',
      'office chair',
      'stapler',
      'desk lamp',
      'planner',
      'folder',
      'whiteboard',
      'paper tray',
    ],
  },
  Beauty: {
    children: ['Skincare', 'Hair', 'Fragrance'],
    nouns: [
      'moisturizer',
      'shampoo',
      'conditioner',
      'hair dryer',
      'perfume',
      'face serum',
      'lip balm',
      'hairbrush',
      'soap bar',
      'sunscreen',
    ],
  },
};

const ADJECTIVES = [
  'compact',
  'classic',
  'premium',
  'ultralight',
  'wireless',
  'ergonomic',
  'vintage',
  'modern',
  'rugged',
  'foldable',
  'portable',
  'deluxe',
  'essential',
  'smart',
  'silent',
  'heavy-duty',
  'slim',
  'organic',
  'waterproof',
  'insulated',
  'handmade',
  'adjustable',
  'minimalist',
  'professional',
  'everyday',
  'travel',
  'family',
  'kids',
  'outdoor',
  'studio',
];
const COLOURS = [
  'black',
  'white',
  'grey',
  'navy',
  'red',
  'green',
  'olive',
  'sand',
  'blue',
  'teal',
  'oak',
  'walnut',
  'copper',
  'silver',
  'graphite',
  'coral',
  'mustard',
  'ivory',
];
const SYLLABLES = [
  'nor',
  'vik',
  'ka',
  'lu',
  'mi',
  'sto',
  'ra',
  'zen',
  'tor',
  'el',
  'va',
  'dra',
  'fen',
  'ix',
  'ol',
  'bri',
  'sol',
  'tek',
  'ma',
  'ru',
  'qua',
  'lin',
  'gar',
  'po',
];
const SENTENCES = [
  'Made from {material} for years of everyday use.',
  'A {adjective} design that fits any {room}.',
  'Easy to clean and built to last.',
  'Perfect for {occasion}, at home or on the go.',
  'Tested by our team on {occasion} and long weekends.',
  'Comes with a two-year warranty and free returns.',
  'Pairs well with other {brand} products.',
  'The {colour} finish resists scratches and fading.',
  'Weighs only {weight} grams yet feels solid in the hand.',
  'Recycled packaging, shipped within two days.',
];
const MATERIALS = [
  'recycled aluminium',
  'solid oak',
  'stainless steel',
  'organic cotton',
  'ripstop nylon',
  'ceramic',
  'bamboo',
  'full-grain leather',
  'borosilicate glass',
  'merino wool',
];
const ROOMS = ['living room', 'kitchen', 'office', 'bedroom', 'studio', 'campsite'];
const OCCASIONS = [
  'long hikes',
  'busy mornings',
  'family dinners',
  'daily commutes',
  'weekend trips',
  'workouts',
  'rainy days',
];
const PRICES = [
  499, 999, 1499, 1999, 2499, 2999, 3999, 4999, 7999, 9999, 14999, 19999, 29999, 49999, 89999,
  149999,
];

export interface BenchCategory {
  id: string;
  name: string;
  ancestorIds: string[];
  nouns: string[];
}

export interface BenchCatalog {
  categories: BenchCategory[];
  brands: string[];
  product(index: number): ProductDocument;
}

/** The catalog for a seed; `product(i)` is the i-th product (same seed, same product). */
export function benchCatalog(seed = 42): BenchCatalog {
  const next = random(seed);
  const pick = <T>(items: readonly T[], r = next) => items[Math.floor(r() * items.length)];
  const categories: BenchCategory[] = [];
  for (const [rootName, { children, nouns }] of Object.entries(TREE)) {
    const root = { id: uuidv7(), name: rootName, ancestorIds: [], nouns };
    categories.push(root);
    for (const child of children) {
      categories.push({ id: uuidv7(), name: child, ancestorIds: [root.id], nouns });
    }
  }
  const brands = Array.from({ length: 300 }, () => {
    const word = Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(SYLLABLES)).join('');
    return word[0].toUpperCase() + word.slice(1);
  });
  const epoch = Date.UTC(2025, 0, 1);

  return {
    categories,
    brands,
    product(index) {
      const r = random(seed * 1_000_003 + index);
      const category = pick(categories, r);
      const brand = pick(brands, r);
      const noun = pick(category.nouns, r);
      const adjective = pick(ADJECTIVES, r);
      const colour = pick(COLOURS, r);
      const model = `${brand.slice(0, 2).toUpperCase()}-${100 + Math.floor(r() * 900)}`;
      const fill = (sentence: string) =>
        sentence
          .replace('{material}', pick(MATERIALS, r))
          .replace('{adjective}', pick(ADJECTIVES, r))
          .replace('{room}', pick(ROOMS, r))
          .replace('{occasion}', pick(OCCASIONS, r))
          .replace('{brand}', brand)
          .replace('{colour}', colour)
          .replace('{weight}', String(100 + Math.floor(r() * 2000)));
      const description = Array.from({ length: 2 + Math.floor(r() * 4) }, () =>
        fill(pick(SENTENCES, r)),
      ).join(' ');
      const created = new Date(epoch + Math.floor(r() * 300 * 86_400_000)).toISOString();
      const capitalized = (text: string) => text[0].toUpperCase() + text.slice(1);
      return {
        id: uuidv7(),
        sku: `BENCH-${String(index).padStart(7, '0')}`,
        name: `${brand} ${capitalized(adjective)} ${capitalized(colour)} ${capitalized(noun)} ${model}`,
        description,
        brand,
        category: { id: category.id, name: category.name, ancestorIds: category.ancestorIds },
        price: { amount: pick(PRICES, r), currency: 'EUR' },
        stock: { available: r() < 0.15 ? 0 : Math.floor(r() * 200) },
        attributes: { colour },
        createdAt: created,
        updatedAt: created,
        version: 1,
      };
    },
  };
}

export const DEFAULT_BENCH_DATABASE = 'postgres://postgres@127.0.0.1:5432/bazaar_search_bench';

/** The value at quantile q (0..1) of sorted numbers (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
