import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { RequestOptions } from './service-client.js';

/** Small parts of one request: error codes, paths, bodies. */

export interface Attempt {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
}

export const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
export const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

export class TimedOut extends Error {}

export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function buildPath(prefix: string, path: string, query: RequestOptions['query']): string {
  let full = prefix + (path.startsWith('/') ? path : `/${path}`);
  if (query) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) search.append(key, String(item));
      }
    }
    const text = search.toString();
    if (text) full += (full.includes('?') ? '&' : '?') + text;
  }
  return full;
}

/** Whether a `Content-Type` (parameters such as `charset` aside) is `mediaType`. */
export const isOfType = (contentType: string, mediaType: string): boolean =>
  contentType === mediaType || contentType.startsWith(`${mediaType};`);

/** The answer's body from its text: parsed when it is JSON, but not when it is of the `passThrough` type. */
export function bodyOf(text: string, contentType: unknown, passThrough?: string): unknown {
  if (text === '') return undefined;
  const type = String(contentType ?? '');
  if (type.includes('json') && !(passThrough && isOfType(type, passThrough))) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
