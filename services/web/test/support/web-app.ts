import { resolve } from 'node:path';
import { createServiceClient, type ServiceClient } from '@bazaar/http-client';
import type { App } from '@bazaar/service-kit';
import { buildApp } from '../../src/app.js';
import { loadServiceConfig } from '../../src/config.js';

export const ASSETS_DIR = resolve(__dirname, '../../assets');

/** The web app as main.ts builds it, in front of the given storefront URL, quiet logs. */
export async function webApp(
  storefrontUrl: string,
  env: Record<string, string> = {},
): Promise<{ app: App; client: ServiceClient }> {
  const config = loadServiceConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    STOREFRONT_URL: storefrontUrl,
    WEB_LOCAL_MODE: 'true',
    ...env,
  });
  const client = createServiceClient({
    name: 'storefront',
    baseUrl: storefrontUrl,
    breaker: false,
    retryBaseDelayMs: 10,
  });
  const app = await buildApp(config, { storefront: client, assetsDir: ASSETS_DIR });
  app.addHook('onClose', () => client.close());
  return { app, client };
}

/** The cookies a response set, as a `cookie` request header would send them back. */
export function cookiesOf(
  setCookie: string | string[] | undefined,
  jar: Record<string, string> = {},
) {
  for (const line of [setCookie ?? []].flat()) {
    const [pair] = line.split(';');
    const [name, ...value] = pair!.split('=');
    if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) delete jar[name!.trim()];
    else jar[name!.trim()] = value.join('=');
  }
  return jar;
}

export const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

/** The CSRF token in a page's forms. */
export function csrfIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1]!;
}
