/** Answers of the storefront's public API, shaped as its OpenAPI document says. */
export const PRODUCT_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e77';
export const CATEGORY_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e01';
export const CART_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9eca';

export const categories = {
  items: [{ id: CATEGORY_ID, slug: 'kitchen', name: 'Kitchen', parentId: null, children: [] }],
};

export function product(overrides: Record<string, unknown> = {}) {
  return {
    id: PRODUCT_ID,
    sku: 'MUG-001',
    name: 'Enamel mug',
    description: 'Blue enamel, 350 ml',
    categoryId: CATEGORY_ID,
    brand: 'Bazaar Basics',
    price: { amount: 2450, currency: 'EUR' },
    stock: { available: 12 },
    attributes: {},
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    ...overrides,
  };
}

export const searchResult = {
  items: [
    {
      ...product(),
      highlight: {
        name: '<mark>Enamel</mark> mug',
        description: 'Blue <mark>enamel</mark>, 350 ml',
      },
    },
  ],
  total: 1,
  facets: {
    category: [{ value: CATEGORY_ID, label: 'Kitchen', count: 1 }],
    brand: [{ value: 'Bazaar Basics', count: 1 }],
    price: [{ min: 0, max: 5000, count: 1 }],
  },
  nextCursor: null,
};

export function tokens(name = 'Ada Lovelace', access = 'access-1', refresh = 'refresh-1') {
  return {
    accessToken: access,
    refreshToken: refresh,
    tokenType: 'Bearer',
    expiresIn: 900,
    user: {
      id: '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e10',
      email: 'ada@example.com',
      name,
      roles: ['customer'],
      createdAt: '2026-11-22T10:00:00.000Z',
    },
  };
}

export const cart = {
  id: CART_ID,
  orderId: null,
  items: [
    {
      productId: PRODUCT_ID,
      sku: 'MUG-001',
      name: 'Enamel mug',
      quantity: 1,
      unitPrice: { amount: 2450, currency: 'EUR' },
      lineTotal: { amount: 2450, currency: 'EUR' },
      available: 12,
    },
  ],
  missing: [],
  total: { amount: 2450, currency: 'EUR' },
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
};

export const ORDER_ID = '01936f5e-8b7a-7c3e-9d41-2f6a1b0c9e0d';

export function order(overrides: Record<string, unknown> = {}) {
  return {
    id: ORDER_ID,
    status: 'confirmed',
    cancelReason: null,
    lines: [
      {
        productId: PRODUCT_ID,
        sku: 'MUG-001',
        name: 'Enamel mug',
        quantity: 1,
        unitPrice: { amount: 2450, currency: 'EUR' },
        lineTotal: { amount: 2450, currency: 'EUR' },
      },
    ],
    total: { amount: 2450, currency: 'EUR' },
    statusHistory: [
      { status: 'pending', reason: 'placed', at: '2026-11-22T10:00:00.000Z' },
      { status: 'confirmed', reason: 'payment_authorized', at: '2026-11-22T10:00:01.000Z' },
    ],
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '12 Market Street',
      city: 'Lyon',
      postalCode: '69001',
      country: 'FR',
    },
    payment: { brand: 'visa', last4: '4242' },
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:01.000Z',
    ...overrides,
  };
}
