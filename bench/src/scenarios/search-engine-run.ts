import type { Row } from '../report.js';
import { ms } from '../report.js';
import type { Storefront } from '../storefront.js';
import type { SearchFigures } from './search.js';
import {
  freshness,
  startReplica,
  typoQuality,
  type FreshnessFigures,
  type Quantile,
  type RestartFigures,
  type TypoFigures,
} from './search-engine.js';

export interface SearchEngineFigures {
  typos: TypoFigures;
  freshness: FreshnessFigures;
  restart: RestartFigures;
}

/**
 * Typo quality, a replica restart, then freshness in every running replica: the system's own
 * and the one just started beside it (two replicas following one change log), after the load
 * runs.
 */
export async function searchEngine(
  storefront: Storefront,
  figures: SearchFigures,
  settings: {
    adminToken: string;
    replicas: string[];
    quick: boolean;
    databaseUrl: string;
    /** The started replica's port (default: the first replica's port + 10). */
    replicaPort?: number;
    onProgress?: (line: string) => void;
  },
): Promise<SearchEngineFigures> {
  settings.onProgress?.('search: typo quality');
  const typos = await typoQuality(storefront, figures.names);
  settings.onProgress?.('search: a replica restart');
  const port = settings.replicaPort ?? Number(new URL(settings.replicas[0]).port || 80) + 10;
  const started = await startReplica({ databaseUrl: settings.databaseUrl, port });
  try {
    settings.onProgress?.('search: freshness');
    const fresh = await freshness(storefront, {
      adminToken: settings.adminToken,
      replicas: [...settings.replicas, started.url],
      rounds: settings.quick ? 2 : 30,
    });
    return { typos, freshness: fresh, restart: started.figures };
  } finally {
    await started.stop();
  }
}

/** The rows these add to the search table. */
export function searchEngineRows(figures: SearchFigures, engine: SearchEngineFigures): Row[] {
  const fresh = engine.freshness;
  const { handler, engine: index } = figures.handlerUncachedAt200;
  const bucket = (q: Quantile) =>
    `${q.lower.toFixed(2)}–${Number.isFinite(q.upper) ? q.upper.toFixed(2) : '∞'}`;
  // A value inside its bucket is interpolated; in the last bucket it is only a lower bound.
  const value = (q: Quantile | null) =>
    q === null ? 'n/a' : `${Number.isFinite(q.upper) ? '' : '> '}${q.value.toFixed(2)} ms`;
  const timeRow = (label: string, p: Record<'p50' | 'p99', Quantile | null>, note: string): Row => [
    label,
    value(p.p99),
    `p99${p.p99 ? ` (bucket ${bucket(p.p99)} ms)` : ''}, p50 ${value(p.p50)}; ${note}`,
  ];
  return [
    timeRow(
      'handler, uncached 200/s',
      handler,
      'routed to reply written, search_request_seconds (target ≤ 3 ms)',
    ),
    timeRow('  of it the engine', index, 'search_query_seconds'),
    [
      'typo in top 3',
      `${engine.typos.top3}/${engine.typos.cases}`,
      `${engine.typos.percent.toFixed(1)} % (target ≥ 95 %)`,
    ],
    ...(['created', 'changed', 'deleted'] as const).map((kind): Row => [
      `${kind} -> searchable`,
      ms(fresh[kind].p99),
      `p99, p50 ${ms(fresh[kind].p50)}, in all ${fresh.replicas} replicas, ${fresh.rounds} rounds (target ≤ 1 s)`,
    ]),
    ...fresh.perReplica.map((replica): Row => [
      `  replica ${new URL(replica.url).port}`,
      (['created', 'changed', 'deleted'] as const).map((kind) => ms(replica[kind].p99)).join(' / '),
      'p99 created / changed / deleted in this replica',
    ]),
    [
      'replica restart',
      `${(engine.restart.readyMillis / 1000).toFixed(1)} s`,
      `ready over ${engine.restart.products} products, RSS ${engine.restart.rssMegabytes} MB${engine.restart.built ? '' : ' (from source via tsx)'}`,
    ],
  ];
}
