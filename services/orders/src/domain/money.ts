import type { Money } from '@bazaar/contracts';

/** Money as Bazaar writes it everywhere (`@bazaar/contracts`), with its arithmetic below. */
export type { Money };

/** Thrown when amounts in different currencies would be added: a catalog data problem. */
export class CurrencyMismatchError extends Error {
  constructor(readonly currencies: string[]) {
    super(`amounts in different currencies cannot be added: ${currencies.join(', ')}`);
    this.name = 'CurrencyMismatchError';
  }
}

export function multiply(price: Money, quantity: number): Money {
  return { amount: price.amount * quantity, currency: price.currency };
}

/** The sum of amounts of one currency; `fallbackCurrency` names the currency of an empty sum. */
export function sum(amounts: Money[], fallbackCurrency = 'EUR'): Money {
  const currencies = [...new Set(amounts.map((m) => m.currency))];
  if (currencies.length > 1) throw new CurrencyMismatchError(currencies);
  return {
    amount: amounts.reduce((total, m) => total + m.amount, 0),
    currency: currencies[0] ?? fallbackCurrency,
  };
}
