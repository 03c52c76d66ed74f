import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { UNDOCUMENTED } from '../routes/page-docs.js';

/** One static file, named after its content so it can be cached for a year. */
export interface Asset {
  url: string;
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

export interface Assets {
  js: Asset;
  css: Asset;
  icon: Asset;
}

const FILES = {
  js: ['app.js', 'text/javascript; charset=utf-8'],
  css: ['app.css', 'text/css; charset=utf-8'],
  icon: ['icon.svg', 'image/svg+xml'],
} as const;

/** Reads the shop's script, stylesheet and icon once at start (they are small). */
export function loadAssets(dir: string): Assets {
  const load = ([file, type]: readonly [string, string]): Asset => {
    const body = readFileSync(join(dir, file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const [stem, ext] = file.split('.');
    return {
      url: `/assets/${stem}.${hash}.${ext}`,
      type,
      body,
      gzipped: gzipSync(body, { level: 9 }),
    };
  };
  return { js: load(FILES.js), css: load(FILES.css), icon: load(FILES.icon) };
}

/** Serves the assets from memory: immutable for a year, gzipped when the browser accepts it. */
export function serveAssets(app: FastifyInstance, assets: Assets): void {
  for (const asset of Object.values(assets)) {
    // Not in the OpenAPI document: the file names change with their content.
    app.get(asset.url, { schema: UNDOCUMENTED }, async (request, reply) => {
      const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
      reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('vary', 'accept-encoding');
      if (gzip) reply.header('content-encoding', 'gzip');
      return reply.send(gzip ? asset.gzipped : asset.body);
    });
  }
}
