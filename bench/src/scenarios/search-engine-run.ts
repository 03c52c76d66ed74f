import type { Row } from '../report.js';
import { ms } from '../report.js';
import type { Storefront } from '../storefront.js';
import type { SearchFigures } from './search.js';
import {
  freshness,
  restartReplica,
  typoQuality,
  type FreshnessFigures,
  type RestartFigures,
  type TypoFigures,
} from './search-engine.js';

export interface SearchEngineFigures {
  typos: TypoFigures;
  freshness: FreshnessFigures;
  restart: RestartFigures;
}

/** Typo quality, freshness in every replica and a replica restart, after the load runs. */
export async function searchEngine(
  storefront: Storefront,
  figures: SearchFigures,
  settings: {
    adminToken: string;
    replicas: string[];
    quick: boolean;
    databaseUrl: string;
    onProgress?: (line: string) => void;
  },
): Promise<SearchEngineFigures> {
  settings.onProgress?.('search: typo quality');
  const typos = await typoQuality(storefront, figures.names);
  settings.onProgress?.('search: freshness');
  const fresh = await freshness(storefront, {
    adminToken: settings.adminToken,
    replicas: settings.replicas,
    rounds: settings.quick ? 2 : 30,
  });
  settings.onProgress?.('search: a replica restart');
  const restart = await restartReplica({ databaseUrl: settings.databaseUrl, port: 8095 });
  return { typos, freshness: fresh, restart };
}

/** The rows these add to the search table. */
export function searchEngineRows(figures: SearchFigures, engine: SearchEngineFigures): Row[] {
  const handler = figures.handlerUncachedAt200;
  const fresh = engine.freshness;
  return [
    [
      'handler, uncached 200/s',
      handler.p99 === null ? 'n/a' : `≤ ${ms(handler.p99)}`,
      `p99 (p50 ≤ ${handler.p50 === null ? 'n/a' : ms(handler.p50)}; search_query_seconds, target ≤ 3 ms)`,
    ],
    [
      'typo in top 3',
      `${engine.typos.top3}/${engine.typos.cases}`,
      `${engine.typos.percent.toFixed(1)} % (target ≥ 95 %)`,
    ],
    ...(['created', 'changed', 'deleted'] as const).map((kind): Row => [
      `${kind} -> searchable`,
      ms(fresh[kind].p99),
      `p99, p50 ${ms(fresh[kind].p50)}, in all ${fresh.replicas} replica(s), ${fresh.rounds} rounds (target ≤ 1 s)`,
    ]),
    [
      'replica restart',
      `${(engine.restart.readyMillis / 1000).toFixed(1)} s`,
      `ready over ${engine.restart.products} products, RSS ${engine.restart.rssMegabytes} MB${engine.restart.built ? '' : ' (from source via tsx)'}`,
    ],
  ];
}
