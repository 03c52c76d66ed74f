import type { Money } from './clients/storefront.js';

const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The first locale of an Accept-Language header that Intl knows, else the shop's default. */
export function localeOf(acceptLanguage: string | undefined, fallback: string): string {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim();
    if (!LOCALE.test(tag)) continue;
    try {
      if (Intl.NumberFormat.supportedLocalesOf([tag]).length > 0) return tag;
    } catch {
      // not a locale Intl accepts
    }
  }
  return fallback;
}

const formats = new Map<string, Intl.NumberFormat>();

/** Minor units as the shopper's locale writes them, with the currency (`€24.50`, `24,50 €`). */
export function formatMoney(money: Money, locale: string): string {
  const key = `${locale}:${money.currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    formats.set(key, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount / 10 ** digits);
}

/** Minor units as a decimal string in major units (`2450` EUR -> `24.50`), for machines (OpenGraph). */
export function majorUnits(money: Money): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return (money.amount / 10 ** digits).toFixed(digits);
}

/**
 * A moment in UTC, named so (`6 Dec 2026, 04:47 UTC`): the server does not know the shopper's
 * time zone, and the page's script writes live rows with the same options (assets/app.js).
 */
export const DATE_OPTIONS: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
};

export function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, DATE_OPTIONS).format(new Date(iso));
}

/** An order status or reason as a shopper reads it. */
export const STATUS_TEXT: Record<string, string> = {
  pending: 'pending',
  stock_reserved: 'stock reserved',
  confirmed: 'confirmed',
  shipped: 'shipped',
  cancelled: 'cancelled',
};

export const REASON_TEXT: Record<string, string> = {
  placed: 'Order placed.',
  stock_reserved: 'Your items are set aside for you.',
  payment_authorized: 'Payment authorized.',
  shipped: 'On its way.',
  out_of_stock: 'Some items ran out of stock before we could reserve them.',
  payment_declined: 'The payment was declined by the card issuer.',
  customer_cancelled: 'You cancelled this order.',
  timeout: 'The order took too long to complete and was cancelled.',
};

export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  return REASON_TEXT[reason] ?? reason.replace(/_/g, ' ');
}
