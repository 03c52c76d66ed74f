/**
 * Card details as a shopper types them. They live only in memory for the length of one
 * request: never logged, stored, published or put on a span.
 */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

/** One failing field; the message never repeats the value. */
export interface FieldError {
  field: string;
  message: string;
}

/** Card numbers may be typed with spaces or dashes between the groups. */
export function normalizeCardNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** The Luhn (mod 10) checksum every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The card network, from the number's issuer prefix. */
export function cardBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'visa';
  if (/^3[47]/.test(digits)) return 'amex';
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'unknown';
}

/** A card is good through the last day of its expiry month (UTC). */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear < year || (expYear === year && expMonth < month);
}

const MAX_YEARS_AHEAD = 20;

/**
 * Checks a card the way a checkout form would: a plausible number that passes Luhn, an expiry
 * month that has not passed, a CVC of 3 or 4 digits. Every failing field is listed; none of
 * the messages quotes what was typed.
 */
export function validateCard(card: CardDetails, now: Date): FieldError[] {
  const problems: FieldError[] = [];
  const digits = normalizeCardNumber(card.number);
  if (!/^\d{12,19}$/.test(digits)) {
    problems.push({ field: 'card.number', message: 'must be 12 to 19 digits' });
  } else if (!passesLuhn(digits)) {
    problems.push({ field: 'card.number', message: 'is not a valid card number' });
  }
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) {
    problems.push({ field: 'card.expMonth', message: 'must be a month from 1 to 12' });
  } else if (isExpired(card.expMonth, card.expYear, now)) {
    problems.push({ field: 'card.expYear', message: 'the card has expired' });
  } else if (card.expYear > now.getUTCFullYear() + MAX_YEARS_AHEAD) {
    problems.push({ field: 'card.expYear', message: 'is too far in the future' });
  }
  if (!/^\d{3,4}$/.test(card.cvc)) {
    problems.push({ field: 'card.cvc', message: 'must be 3 or 4 digits' });
  }
  return problems;
}
