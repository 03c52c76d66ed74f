/** What a leaf category's products look like: the words, brands and price band they are made of. */
export interface LeafSpec {
  nouns: string[];
  brands: string[];
  /** Price band in euros (cents are generated). */
  price: [number, number];
  /** Attribute name -> values to pick from. */
  attributes: Record<string, string[]>;
  features: string[];
}

export interface CategorySpec {
  slug: string;
  name: string;
  children?: CategorySpec[];
  leaf?: LeafSpec;
}

const COLORS = ['black', 'white', 'grey', 'navy', 'red', 'green', 'blue', 'beige', 'olive'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const SHOE_SIZES = ['38', '39', '40', '41', '42', '43', '44', '45', '46'];

function leaf(slug: string, name: string, spec: LeafSpec): CategorySpec {
  return { slug, name, leaf: spec };
}

/** The demo catalog's category tree (fictional brands). */
export const CATEGORY_TREE: CategorySpec[] = [
  {
    slug: 'electronics',
    name: 'Electronics',
    children: [
      leaf('laptops', 'Laptops', {
        nouns: ['Laptop', 'Ultrabook', 'Notebook', 'Convertible'],
        brands: ['Norvik', 'Altamira', 'Kestrel', 'Luma'],
        price: [399, 2499],
        attributes: {
          screen: ['13.3"', '14"', '15.6"', '16"'],
          memory: ['8 GB', '16 GB', '32 GB'],
        },
        features: [
          'an all-day battery',
          'a backlit keyboard',
          'a bright IPS display',
          'fast SSD storage',
        ],
      }),
      leaf('phones', 'Phones', {
        nouns: ['Smartphone', 'Phone'],
        brands: ['Luma', 'Oriel', 'Kestrel'],
        price: [149, 1299],
        attributes: { storage: ['64 GB', '128 GB', '256 GB', '512 GB'], color: COLORS },
        features: ['a triple camera', 'a 120 Hz screen', 'wireless charging', 'an IP68 rating'],
      }),
      {
        slug: 'audio',
        name: 'Audio',
        children: [
          leaf('headphones', 'Headphones', {
            nouns: ['Headphones', 'Earbuds', 'Headset'],
            brands: ['Sonora', 'Bassline', 'Oriel'],
            price: [19, 449],
            attributes: { connection: ['Bluetooth', 'wired', 'USB-C'], color: COLORS },
            features: ['active noise cancelling', '30-hour battery life', 'a foldable design'],
          }),
          leaf('speakers', 'Speakers', {
            nouns: ['Speaker', 'Soundbar', 'Party Speaker'],
            brands: ['Sonora', 'Bassline'],
            price: [29, 899],
            attributes: { connection: ['Bluetooth', 'Wi-Fi', 'HDMI ARC'], color: COLORS },
            features: ['room-filling sound', 'a waterproof body', 'multi-room pairing'],
          }),
        ],
      },
      leaf('cameras', 'Cameras', {
        nouns: ['Mirrorless Camera', 'Action Camera', 'Compact Camera'],
        brands: ['Optika', 'Kestrel'],
        price: [129, 2999],
        attributes: { sensor: ['APS-C', 'full frame', '1"'], color: ['black', 'silver'] },
        features: ['4K video', 'in-body stabilisation', 'a weather-sealed body'],
      }),
    ],
  },
  {
    slug: 'home-kitchen',
    name: 'Home & Kitchen',
    children: [
      leaf('cookware', 'Cookware', {
        nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok', 'Knife Set'],
        brands: ['Casa Forte', 'Hearthwell', 'Ferro'],
        price: [15, 299],
        attributes: { material: ['cast iron', 'stainless steel', 'carbon steel', 'ceramic'] },
        features: ['an induction-ready base', 'an oven-safe handle', 'a non-stick coating'],
      }),
      leaf('appliances', 'Small Appliances', {
        nouns: ['Espresso Machine', 'Kettle', 'Toaster', 'Blender', 'Air Fryer'],
        brands: ['Hearthwell', 'Brio', 'Casa Forte'],
        price: [25, 899],
        attributes: { power: ['800 W', '1200 W', '1800 W', '2200 W'], color: COLORS },
        features: ['a quiet motor', 'dishwasher-safe parts', 'an auto shut-off'],
      }),
      leaf('furniture', 'Furniture', {
        nouns: ['Desk', 'Bookshelf', 'Armchair', 'Side Table', 'Office Chair'],
        brands: ['Nordlys', 'Oakhaven'],
        price: [49, 1499],
        attributes: { material: ['oak', 'walnut', 'steel', 'birch plywood'], color: COLORS },
        features: ['tool-free assembly', 'solid wood legs', 'a ten-year warranty'],
      }),
    ],
  },
  {
    slug: 'fashion',
    name: 'Fashion',
    children: [
      leaf('tops', 'Tops', {
        nouns: ['T-Shirt', 'Shirt', 'Sweater', 'Hoodie'],
        brands: ['Marlowe', 'Tidewear', 'Fjellbu'],
        price: [12, 129],
        attributes: { size: SIZES, color: COLORS, material: ['cotton', 'merino wool', 'linen'] },
        features: ['organic cotton', 'a relaxed fit', 'reinforced seams'],
      }),
      leaf('outerwear', 'Outerwear', {
        nouns: ['Rain Jacket', 'Down Jacket', 'Parka', 'Fleece'],
        brands: ['Fjellbu', 'Tidewear'],
        price: [49, 449],
        attributes: { size: SIZES, color: COLORS },
        features: ['a waterproof membrane', 'recycled insulation', 'a packable hood'],
      }),
      {
        slug: 'shoes',
        name: 'Shoes',
        children: [
          leaf('sneakers', 'Sneakers', {
            nouns: ['Sneakers', 'Trainers', 'Court Shoes'],
            brands: ['Stride', 'Marlowe'],
            price: [39, 219],
            attributes: { size: SHOE_SIZES, color: COLORS },
            features: ['a cushioned sole', 'a breathable upper', 'recycled laces'],
          }),
          leaf('boots', 'Boots', {
            nouns: ['Hiking Boots', 'Chelsea Boots', 'Winter Boots'],
            brands: ['Fjellbu', 'Stride'],
            price: [69, 329],
            attributes: { size: SHOE_SIZES, color: ['black', 'brown', 'tan'] },
            features: ['a grippy outsole', 'full-grain leather', 'a waterproof lining'],
          }),
        ],
      },
    ],
  },
  {
    slug: 'sports-outdoors',
    name: 'Sports & Outdoors',
    children: [
      leaf('fitness', 'Fitness', {
        nouns: ['Yoga Mat', 'Kettlebell', 'Dumbbell Set', 'Resistance Bands'],
        brands: ['Apex', 'Kinetic'],
        price: [9, 399],
        attributes: { weight: ['2 kg', '5 kg', '10 kg', '16 kg'], color: COLORS },
        features: ['a non-slip surface', 'a compact design', 'gym-grade steel'],
      }),
      leaf('camping', 'Camping', {
        nouns: ['Tent', 'Sleeping Bag', 'Camping Stove', 'Backpack'],
        brands: ['Fjellbu', 'Trailhead'],
        price: [19, 699],
        attributes: { capacity: ['1 person', '2 persons', '4 persons'], color: COLORS },
        features: ['an ultralight build', 'a three-season rating', 'taped seams'],
      }),
      leaf('cycling', 'Cycling', {
        nouns: ['Helmet', 'Bike Light', 'Saddle Bag', 'Gravel Bike'],
        brands: ['Velo Nord', 'Trailhead'],
        price: [15, 2499],
        attributes: { size: ['S', 'M', 'L'], color: COLORS },
        features: ['MIPS protection', 'USB-C charging', 'a lightweight frame'],
      }),
    ],
  },
  {
    slug: 'books',
    name: 'Books',
    children: [
      leaf('fiction', 'Fiction', {
        nouns: ['Novel', 'Short Stories', 'Thriller', 'Fantasy Saga'],
        brands: ['Harbour Press', 'Quill & Lantern', 'Northlight Books'],
        price: [8, 35],
        attributes: {
          format: ['paperback', 'hardcover'],
          language: ['English', 'German', 'French'],
        },
        features: ['a gripping plot', 'an award-winning author', 'a new translation'],
      }),
      leaf('non-fiction', 'Non-fiction', {
        nouns: ['Cookbook', 'Field Guide', 'Biography', 'History'],
        brands: ['Harbour Press', 'Northlight Books'],
        price: [10, 59],
        attributes: { format: ['paperback', 'hardcover'], language: ['English', 'German'] },
        features: ['full-colour photographs', 'an index and maps', 'expert interviews'],
      }),
    ],
  },
  {
    slug: 'toys-games',
    name: 'Toys & Games',
    children: [
      leaf('board-games', 'Board Games', {
        nouns: ['Board Game', 'Card Game', 'Strategy Game'],
        brands: ['Meeple Works', 'Dicecraft'],
        price: [9, 89],
        attributes: { players: ['1-4', '2-4', '2-6', '3-8'], age: ['8+', '10+', '14+'] },
        features: ['quick 30-minute rounds', 'a cooperative mode', 'beautiful artwork'],
      }),
      leaf('building-sets', 'Building Sets', {
        nouns: ['Building Set', 'Robot Kit', 'Marble Run'],
        brands: ['Brickford', 'Dicecraft'],
        price: [14, 249],
        attributes: { pieces: ['150', '500', '1200', '3000'], age: ['6+', '9+', '12+'] },
        features: ['step-by-step instructions', 'motorised parts', 'compatible bricks'],
      }),
    ],
  },
];

export const ADJECTIVES = [
  'Aero',
  'Nova',
  'Vista',
  'Terra',
  'Pulse',
  'Echo',
  'Zen',
  'Summit',
  'Flux',
  'Orbit',
  'Atlas',
  'Halo',
  'Drift',
  'Prime',
  'Core',
  'Edge',
  'Lumen',
  'Solace',
  'Tundra',
  'Vector',
];
