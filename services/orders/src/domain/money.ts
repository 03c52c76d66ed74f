/** Money: an integer of minor units and an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

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
