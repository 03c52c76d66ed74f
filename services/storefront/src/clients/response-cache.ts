import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceResponse } from '@bazaar/http-client';

/**
 * How long a service said its answer may be shared, in seconds: `public` with `max-age`, and
 * neither `private`, `no-store` nor `no-cache`. Anything else is not kept.
 */
export function sharedMaxAge(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['cache-control'];
  if (typeof value !== 'string') return undefined;
  // A service sends the same few values again and again (catalog's product reads, one value):
  // the last one's answer is kept, so a read that refreshes the cache does not parse it again.
  if (value !== lastValue) {
    lastMaxAge = parseSharedMaxAge(value);
    lastValue = value;
  }
  return lastMaxAge;
}

let lastValue: string | undefined;
let lastMaxAge: number | undefined;

function parseSharedMaxAge(value: string): number | undefined {
  const directives = value
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (!directives.includes('public')) return undefined;
  if (directives.some((d) => d === 'private' || d === 'no-store' || d === 'no-cache')) {
    return undefined;
  }
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  const seconds = maxAge ? Number(maxAge.slice('max-age='.length)) : NaN;
  return Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * A shared cache of anonymous answers, the way a caching proxy in front of a service keeps
 * them: only 200s the owning service marked `public, max-age=N`, each kept N seconds. Bounded:
 * past `maxEntries`, the oldest entry goes. The service decides what may be shared (catalog's
 * public product reads); nothing else is ever kept.
 */
export class ResponseCache {
  private readonly entries = new Map<
    string,
    { response: ServiceResponse; storedAt: number; expiresAt: number }
  >();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** A fresh kept answer, with an `age` header saying how long it has been kept (seconds). */
  get(key: string): ServiceResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    const age = String(Math.floor((now - entry.storedAt) / 1000));
    return { ...entry.response, headers: { ...entry.response.headers, age } };
  }

  /** Keeps the answer when it is a shareable 200; says whether it did. */
  set(key: string, response: ServiceResponse): boolean {
    const maxAge = response.status === 200 ? sharedMaxAge(response.headers) : undefined;
    if (maxAge === undefined || this.maxEntries === 0) return false;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    const now = this.now();
    this.entries.set(key, { response, storedAt: now, expiresAt: now + maxAge * 1000 });
    return true;
  }
}
