// `pnpm bench`: the load scenarios through the storefront, with this machine's ceilings measured
// in the same run so the figures read as ratios. See the README's "Performance" section.
//
//   pnpm bench                      start the system itself (rate limits off), run everything
//   pnpm bench -- --url http://127.0.0.1:8080   use a system that is already running
//   pnpm bench -- --quick           tiny numbers: a smoke run of the harness
//   pnpm bench -- --only ceilings,browse,search,checkout,saga,flash,tracing,web
//   pnpm bench -- --web-url http://127.0.0.1:8086   where the web shop is (with --url)
//   pnpm bench -- --tracing-rate 50  the tracing scenario's pace (0: saturated)
//   pnpm bench -- --tracing-pairs 3  its segments: 3 pairs of tracing off and on (alternating)
//   pnpm bench -- --paced-pairs 3    the paced saga's: 3 pairs of the system and the bare saga
//   pnpm bench -- --card-at-checkout   orders send the card (one step) instead of a saved method
//   pnpm bench -- --spans spans.jsonl   every span exported, a JSON line each; then
//   pnpm --filter @bazaar/bench hops -- spans.jsonl   where a checkout order's time went, hop by hop
//   pnpm bench -- --search-products 100000   search's catalog size (seeded once if smaller; 0:
//                                   as it is; --quick leaves the catalog as it is)
//   --catalog-database-url, --search-database-url, --catalog-url: where the seed and the reindex
//                                   write and read (defaults: the local system's)
import { existsSync } from 'node:fs';
import { constants, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { commandLine, oneOf, wholeNumber } from '@bazaar/cli';
import { runCeilings, type Ceilings } from './ceilings/run-ceilings.js';
import { runBareSaga, type SagaFigures } from './ceilings/run-saga.js';
import { statementsLoaded, vacuumDatabases, type Cost } from './cost.js';
import { postgresBackends, servicePids, type CpuPerRequest } from './cpu.js';
import { ONSET_MS, type LoadFigures } from './load.js';
import type { PacedFigures } from './paced-load.js';
import { machine, ms, perSecond, printTable, ratio, saveResults, type Row } from './report.js';
import { browse } from './scenarios/browse.js';
import { checkout, type CheckoutCost } from './scenarios/checkout.js';
import { flashSale } from './scenarios/flash-sale.js';
import { search } from './scenarios/search.js';
import {
  pacedSchedule,
  pacedSummary,
  type PacedMedians,
  type PacedSegment,
  type PacedSide,
  type PacedSummary,
} from './scenarios/paced-saga.js';
import { signedPercent, tracingSchedule, tracingSummary } from './scenarios/tracing.js';
import { median } from './segments.js';
import { webPages } from './scenarios/web-pages.js';
import { ensureSearchCatalog, type SearchCatalog } from './scenarios/search-catalog.js';
import { searchEngine, searchEngineRows } from './scenarios/search-engine-run.js';
import { Storefront } from './storefront.js';
import { databaseOf, DATABASES, systemCostSources } from './system-cost.js';
import {
  localUrl,
  ROOT,
  startSystem,
  startTraceSink,
  stopSystems,
  type RunningSystem,
  type TraceSink,
} from './system.js';

const SCENARIOS = [
  'ceilings',
  'browse',
  'search',
  'checkout',
  'saga',
  'flash',
  'tracing',
  'web',
] as const;

const {
  values,
  only,
  connections,
  durationSeconds,
  searchProducts,
  quick,
  tracingRate,
  tracingPairs,
  sagaRate,
  pacedPairs,
} = commandLine(
  {
    name: 'bench',
    command: 'pnpm bench --',
    summary:
      "The load scenarios through the storefront, with this machine's ceilings measured in the " +
      'same run; results are printed and saved under bench/results/.',
    options: {
      url: {
        type: 'string',
        value: 'URL',
        description: 'use a storefront already running there (default: start the system itself)',
      },
      quick: { type: 'boolean', description: 'tiny numbers: a smoke run of the harness' },
      'card-at-checkout': {
        type: 'boolean',
        description: 'orders send the card (one step) instead of a saved payment method',
      },
      'web-url': {
        type: 'string',
        value: 'URL',
        default: localUrl('web'),
        description: 'the web shop (the web scenario)',
      },
      only: {
        type: 'string',
        value: 'LIST',
        default: SCENARIOS.join(','),
        description: 'the scenarios to run',
      },
      connections: {
        type: 'string',
        value: 'N',
        default: '50',
        description: 'concurrent connections',
      },
      duration: {
        type: 'string',
        value: 'S',
        default: '10',
        description: 'seconds per scenario',
      },
      'tracing-rate': {
        type: 'string',
        value: 'N',
        default: '50',
        description: 'orders/s of the tracing scenario, paced (0: saturated)',
      },
      'saga-rate': {
        type: 'string',
        value: 'N',
        default: '0',
        description:
          "orders/s of the paced saga scenario (0: half the bare saga's confirmed rate, the #21 target's pace)",
      },
      'paced-pairs': {
        type: 'string',
        value: 'N',
        default: '3',
        description:
          'segments of the paced saga scenario: N pairs of the system and the bare saga, alternating which first',
      },
      'tracing-pairs': {
        type: 'string',
        value: 'N',
        default: '3',
        description:
          'segments of the tracing scenario: N pairs of off and on at 100%, alternating which first',
      },
      postgres: {
        type: 'string',
        value: 'URL',
        default: 'postgres://postgres@127.0.0.1:5432',
        description: 'Postgres server',
      },
      amqp: {
        type: 'string',
        value: 'URL',
        default: 'amqp://guest:guest@127.0.0.1:5672',
        description: 'RabbitMQ',
      },
      'admin-email': {
        type: 'string',
        value: 'EMAIL',
        default: 'admin@bazaar.local',
        description: 'admin login',
      },
      'admin-password': {
        type: 'string',
        value: 'PASSWORD',
        default: 'bazaar-admin',
        description: 'admin password',
      },
      'search-products': {
        type: 'string',
        value: 'N',
        default: '100000',
        description: "search's catalog size, seeded once if smaller (0: as it is)",
      },
      'catalog-database-url': {
        type: 'string',
        value: 'URL',
        description: 'where the seed writes (default: <postgres>/<BAZAAR_DATABASE_PREFIX>catalog)',
      },
      'search-database-url': {
        type: 'string',
        value: 'URL',
        description:
          'where the reindex writes (default: <postgres>/<BAZAAR_DATABASE_PREFIX>search)',
      },
      'search-url': {
        type: 'string',
        value: 'URLS',
        default: localUrl('search'),
        description: "search's replicas, comma-separated (handler metrics, freshness)",
      },
      'catalog-url': {
        type: 'string',
        value: 'URL',
        default: localUrl('catalog'),
        description: 'catalog the reindex reads',
      },
      spans: {
        type: 'string',
        value: 'FILE',
        description:
          'append every span the system exports (tracing scenario apart) to FILE, a JSON line each',
      },
    },
  },
  ({ values }) => {
    const quick = values.quick;
    return {
      values,
      quick,
      only: new Set<string>(
        values.only.split(',').map((name) => oneOf('--only', name.trim(), SCENARIOS)),
      ),
      connections: quick ? 4 : wholeNumber('--connections', values.connections, { min: 1 })!,
      durationSeconds: quick ? 1 : wholeNumber('--duration', values.duration, { min: 1 })!,
      searchProducts: quick ? 0 : wholeNumber('--search-products', values['search-products'])!,
      tracingRate: wholeNumber('--tracing-rate', values['tracing-rate'])!,
      tracingPairs: wholeNumber('--tracing-pairs', values['tracing-pairs'], { min: 1 })!,
      sagaRate: wholeNumber('--saga-rate', values['saga-rate'])!,
      pacedPairs: wholeNumber('--paced-pairs', values['paced-pairs'], { min: 1 })!,
    };
  },
);
const progress = (line: string) => process.stderr.write(`\r\x1b[2K${line}`);
// Interrupted (Ctrl-C reaches the bench, not the systems in their own process groups): the
// systems are stopped and their broker namespaces deleted before it exits. A second signal
// exits at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the system\n`);
    void stopSystems().finally(() => process.exit(128 + constants.signals[signal]));
  });
}
const results: Record<string, unknown> = {
  machine: machine(),
  parameters: { connections, durationSeconds, quick, scenarios: [...only], searchProducts },
  startedAt: new Date().toISOString(),
};

async function withSystem<T>(
  env: Record<string, string>,
  run: (storefront: Storefront) => Promise<T>,
): Promise<T> {
  let system: RunningSystem | undefined;
  if (!values.url)
    system = await startSystem(env, (line) => progress(`system: ${line.slice(0, 100)}`));
  const storefront = new Storefront(values.url ?? localUrl('storefront'));
  try {
    return await run(storefront);
  } finally {
    await storefront.close();
    await system?.stop();
  }
}

if (only.has('ceilings')) {
  const ceilings = await runCeilings({
    postgresUrl: values.postgres,
    amqpUrl: values.amqp,
    connections,
    durationSeconds,
    onProgress: progress,
  });
  results.ceilings = ceilings;
  printTable('Ceilings (same machine, same run)', [
    [
      'bare Fastify route',
      perSecond(ceilings.bareRoute.requestsPerSecond),
      `p99 ${ms(ceilings.bareRoute.latency.p99)}; CPU ${ceilings.bareRoute.cpuUsPerRequest.total} µs/request`,
    ],
    [
      'Fastify + pg primary key',
      perSecond(ceilings.pgRoute.requestsPerSecond),
      `p99 ${ms(ceilings.pgRoute.latency.p99)}; CPU ${ceilings.pgRoute.cpuUsPerRequest.total} µs/request`,
    ],
    ceilings.checkoutPath
      ? [
          'lookup + tx + confirmed publish',
          perSecond(ceilings.checkoutPath.requestsPerSecond),
          `p99 ${ms(ceilings.checkoutPath.latency.p99)}`,
        ]
      : ['lookup + tx + confirmed publish', 'not run', ceilings.checkoutPathError],
  ]);
}

/** The parts an order's CPU is read for, in the order the table shows them. */
const PARTS = [
  'storefront',
  'orders',
  'catalog',
  'payments',
  'users',
  'search',
  'postgres',
  'rabbitmq',
];
const cpuCell = (cost: Cost | undefined, part: string) =>
  cost?.perOrder.cpuMs[part] === undefined ? '—' : cost.perOrder.cpuMs[part].toFixed(2);

let bareSaga: SagaFigures | undefined;
if (only.has('checkout') || only.has('saga')) {
  // The bare saga as the checkout's ceiling, measured before the system starts (idle beside it).
  bareSaga = await runBareSaga({
    postgresUrl: values.postgres!,
    amqpUrl: values.amqp!,
    connections,
    durationSeconds,
    onProgress: progress,
  });
  results.bareSaga = bareSaga;
  printTable('Bare saga (ceiling of checkout + saga, same run)', [
    [
      'accepted',
      perSecond(bareSaga.accepted.requestsPerSecond),
      `p99 accept ${ms(bareSaga.accepted.latency.p99)}`,
    ],
    [
      'confirmed',
      perSecond(bareSaga.confirmedPerSecond),
      `${bareSaga.confirmed}/${bareSaga.placedOrders}, ${bareSaga.unfinished} unfinished`,
    ],
    [
      'placed -> confirmed',
      ms(bareSaga.placedToConfirmed.p50),
      `p99 ${ms(bareSaga.placedToConfirmed.p99)}`,
    ],
    ['CPU per confirmed order', ms(bareSaga.cost.perOrder.totalCpuMs)],
  ]);
}

const scenarios = ['browse', 'search', 'checkout', 'saga', 'flash', 'web'].filter((s) =>
  only.has(s),
);
// A system on this machine (started here, or by `pnpm start` from this checkout): its processes
// and databases can be read.
const local = !values.url || /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(values.url);
let sink: TraceSink | undefined;
// Before each measured checkout: the system's databases vacuumed, as autovacuum would have
// done in production (it is off on this machine), so a run does not pay for the dead rows of
// the runs and scenarios before it; the bare saga starts from emptied tables.
const vacuumSystem = local
  ? async () => {
      progress("vacuum (analyze) of the system's databases");
      await vacuumDatabases(values.postgres!, DATABASES);
    }
  : undefined;
// Reading a checkout run's cost: the system's processes and databases, and the spans `sink`
// received (the system must run on this machine).
const systemCost = (sink: TraceSink | undefined): CheckoutCost => ({
  sources: systemCostSources(ROOT, values.postgres!, sink),
  ordersDatabaseUrl: `${values.postgres}/${databaseOf('orders')}`,
});
if (scenarios.length > 0 && local) {
  // Tracing on and exported, as shipped: to an OTLP receiver that counts the spans.
  sink = await startTraceSink(undefined, values.spans).catch(() => undefined);
}
if (scenarios.length > 0) {
  await withSystem(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}, async (storefront) => {
    const adminToken = await storefront.adminToken(values['admin-email'], values['admin-password']);
    const load = { connections, durationSeconds, onProgress: progress };
    const cost = local ? systemCost(sink) : undefined;
    // Seeded before every scenario, so browse too always sees the same catalog.
    let searchCatalog: SearchCatalog | null = null;
    if (only.has('search') && searchProducts > 0) {
      searchCatalog = await ensureSearchCatalog(storefront, {
        products: searchProducts,
        catalogDatabaseUrl:
          values['catalog-database-url'] ?? `${values.postgres}/${databaseOf('catalog')}`,
        searchDatabaseUrl:
          values['search-database-url'] ?? `${values.postgres}/${databaseOf('search')}`,
        catalogUrl: values['catalog-url'],
        onProgress: (line) => progress(`search catalog: ${line.slice(0, 90)}`),
      });
      printTable('Search catalog', [
        ['products', searchCatalog.products.toLocaleString('en')],
        [
          'seeded',
          searchCatalog.seeded ? `${searchCatalog.totalSeconds.toFixed(1)} s` : 'already',
          searchCatalog.seeded
            ? `seed ${searchCatalog.seedSeconds.toFixed(1)} s, reindex ${searchCatalog.reindexSeconds.toFixed(1)} s`
            : undefined,
        ],
      ]);
    }
    if (only.has('browse')) {
      const figures = await browse(storefront, {
        ...load,
        cpuGroups: local
          ? async () => ({
              ...servicePids(ROOT, ['storefront', 'catalog']),
              postgres: await postgresBackends(values.postgres!, [databaseOf('catalog')]),
            })
          : undefined,
      });
      results.browse = figures;
      const pg = (results.ceilings as Ceilings | undefined)?.pgRoute;
      const cpu = (detail: Partial<CpuPerRequest>) =>
        detail.cpuUsPerRequest
          ? `; CPU ${detail.cpuUsPerRequest.total} µs/request${pg ? ` (Fastify + pg ${pg.cpuUsPerRequest.total}: ${ratio(pg.cpuUsPerRequest.total, detail.cpuUsPerRequest.total)})` : ''}`
          : '';
      printTable('Browse', [
        [
          'shop mix',
          perSecond(figures.mix.requestsPerSecond),
          `p99 ${ms(figures.mix.latency.p99)}`,
        ],
        ...(
          [
            ['product detail', figures.productDetail],
            ['product detail, uncached', figures.productDetailUncached],
          ] as const
        ).map(([label, detail]): Row => [
          label,
          perSecond(detail.requestsPerSecond),
          `p99 ${ms(detail.latency.p99)}${pg ? `, ${ratio(detail.requestsPerSecond, pg.requestsPerSecond)} of Fastify + pg` : ''}${cpu(detail)}`,
        ]),
      ]);
    }
    if (only.has('search')) {
      const replicas = values['search-url'].split(',');
      const figures = await search(storefront, { ...load, catalog: searchCatalog, replicas });
      const engine = await searchEngine(storefront, figures, {
        adminToken,
        replicas,
        quick: quick ?? false,
        databaseUrl: values['search-database-url'] ?? `${values.postgres}/${databaseOf('search')}`,
        onProgress: progress,
      });
      results.search = { ...figures, ...engine };
      printTable(`Search (${figures.catalogSize} products, ${figures.queries} queries)`, [
        [
          'saturated',
          perSecond(figures.saturated.requestsPerSecond),
          `p50 ${ms(figures.saturated.latency.p50)}, p99 ${ms(figures.saturated.latency.p99)}`,
        ],
        [
          'at 200 req/s',
          perSecond(figures.at200.requestsPerSecond),
          `p50 ${ms(figures.at200.latency.p50)}, p99 ${ms(figures.at200.latency.p99)}`,
        ],
        [
          'uncached, saturated',
          perSecond(figures.uncachedSaturated.requestsPerSecond),
          `p50 ${ms(figures.uncachedSaturated.latency.p50)}, p99 ${ms(figures.uncachedSaturated.latency.p99)}`,
        ],
        [
          'uncached, 200 req/s',
          perSecond(figures.uncachedAt200.requestsPerSecond),
          `p50 ${ms(figures.uncachedAt200.latency.p50)}, p99 ${ms(figures.uncachedAt200.latency.p99)}`,
        ],
        ...searchEngineRows(figures, engine),
      ]);
    }
    if (only.has('web')) {
      const figures = await webPages(storefront, values['web-url'], {
        rate: quick ? 10 : 100,
        durationSeconds,
        onProgress: progress,
      });
      results.web = figures;
      printTable(`Web shop at ${figures.rate} req/s, evenly spaced`, [
        [
          'product page (server-rendered)',
          perSecond(figures.productPage.requestsPerSecond),
          `p50 ${ms(figures.productPage.latency.p50)}, p99 ${ms(figures.productPage.latency.p99)} (target ≤ 50 ms)`,
        ],
        [
          'storefront product read',
          perSecond(figures.productRead.requestsPerSecond),
          `p50 ${ms(figures.productRead.latency.p50)}, p99 ${ms(figures.productRead.latency.p99)}`,
        ],
      ]);
    }
    if (only.has('checkout')) {
      const figures = await checkout(storefront, {
        ...load,
        shoppers: quick ? 3 : 50,
        adminToken,
        title: 'checkout: saturated',
        cardAtCheckout: values['card-at-checkout'],
        beforeWarmUp: vacuumSystem,
        cost,
      });
      results.checkout = figures;
      if (figures.cost) printCost(figures.cost, bareSaga, figures.confirmedPerSecond);
      const path = (
        results.ceilings as { checkoutPath?: { requestsPerSecond: number } } | undefined
      )?.checkoutPath;
      printTable('Checkout', [
        [
          'accepted orders',
          perSecond(figures.accepted.requestsPerSecond),
          `p99 accept ${ms(figures.accepted.latency.p99)}${path ? `, ${ratio(figures.accepted.requestsPerSecond, path.requestsPerSecond)} of the bare path` : ''}`,
        ],
        [
          'confirmed end to end',
          perSecond(figures.confirmedPerSecond),
          `${figures.confirmed}/${figures.placedOrders} confirmed, ${figures.unfinished} unfinished`,
        ],
        [
          'placed -> confirmed',
          ms(figures.placedToConfirmed.p50),
          `p95 ${ms(figures.placedToConfirmed.p95)}, p99 ${ms(figures.placedToConfirmed.p99)}`,
        ],
      ]);
    }
    if (only.has('saga')) {
      // The #21 target's pace: half of what the bare saga confirmed (else half of the checkout
      // run). System and bare saga segments alternate at that rate (see pacedSchedule).
      const confirmedPerSecond = (results.checkout as { confirmedPerSecond?: number } | undefined)
        ?.confirmedPerSecond;
      const half = Math.max(
        5,
        Math.floor((bareSaga?.confirmedPerSecond ?? confirmedPerSecond ?? 50) / 2),
      );
      const rate = quick ? 5 : sagaRate || half;
      const schedule: PacedSide[] = bareSaga && !quick ? pacedSchedule(pacedPairs) : ['system'];
      const segments = [];
      for (const [i, side] of schedule.entries()) {
        const title = `saga ${i + 1}/${schedule.length}: ${side} at ${rate} orders/s`;
        const figures =
          side === 'system'
            ? await checkout(storefront, {
                ...load,
                shoppers: quick ? 3 : 50,
                adminToken,
                rate,
                title,
                cardAtCheckout: values['card-at-checkout'],
                beforeWarmUp: vacuumSystem,
                cost,
              })
            : await runBareSaga({
                postgresUrl: values.postgres!,
                amqpUrl: values.amqp!,
                connections,
                durationSeconds,
                rate,
                onProgress: progress,
              });
        segments.push({
          side,
          placedToConfirmed: figures.placedToConfirmed,
          byOnset: figures.byOnset,
          accepted: figures.accepted.latency,
          cpuMs: figures.cost?.perOrder.totalCpuMs ?? NaN,
          figures,
        });
      }
      const summary = pacedSummary(segments);
      results.saga = {
        rate,
        pairs: Math.floor(schedule.length / 2),
        order: schedule,
        segments,
        summary,
      };
      printPacedSaga(rate, segments, summary);
    }
    if (only.has('flash')) {
      const figures = await flashSale(storefront, {
        adminToken,
        stock: quick ? 3 : 50,
        orders: quick ? 20 : 2000,
        shoppers: quick ? 4 : 40,
        concurrency: quick ? 4 : 200,
      });
      results.flashSale = figures;
      printTable('Flash sale', [
        [
          'sold / stock',
          `${figures.confirmed}/${figures.stock}`,
          figures.exact ? 'exact' : 'NOT EXACT',
        ],
        ['stock after', String(figures.stockAfter)],
        ['orders accepted / refused', `${figures.accepted}/${figures.refusedAtOnce}`],
        ['settled in', ms(figures.settleMillis)],
      ]);
    }
  });
}

await sink?.close();

if (only.has('tracing') && !values.url) {
  // Tracing's cost: CPU per confirmed order of the same paced checkout with the SDK off and on
  // at 100% sampling exported to an OTLP receiver, in alternating segments (off on, on off, ...),
  // each on a freshly started system; the medians compared, every segment and pair shown.
  const rate = quick ? 5 : tracingRate;
  const pairs = quick ? 1 : tracingPairs;
  const run = (title: string, sink?: TraceSink) => (storefront: Storefront) =>
    storefront.adminToken(values['admin-email'], values['admin-password']).then((adminToken) =>
      checkout(storefront, {
        connections,
        durationSeconds,
        shoppers: quick ? 3 : 50,
        adminToken,
        rate: rate > 0 ? rate : undefined,
        title,
        cardAtCheckout: values['card-at-checkout'],
        onProgress: progress,
        cost: systemCost(sink),
      }),
    );
  const ownCpu = (cost: Cost | undefined) =>
    ['storefront', 'orders', 'catalog', 'payments', 'users', 'search'].reduce(
      (total, part) => total + (cost?.perOrder.cpuMs[part] ?? 0),
      0,
    );
  const schedule = tracingSchedule(pairs);
  const segments = [];
  for (const [i, mode] of schedule.entries()) {
    const title = `tracing ${i + 1}/${schedule.length}: ${mode === 'on' ? '100%' : 'off'}`;
    // Every segment starts from the same Postgres state: what the one before left, vacuumed.
    progress(`${title}: vacuum (analyze) of the system's databases`);
    await vacuumDatabases(values.postgres!, DATABASES);
    const loadAverage = loadavg()[0];
    let figures;
    if (mode === 'off') {
      figures = await withSystem({ OTEL_SDK_DISABLED: 'true' }, run(title));
    } else {
      const traceSink = await startTraceSink();
      figures = await withSystem(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: traceSink.url,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '1',
        },
        run(title, traceSink),
      ).finally(() => traceSink.close());
    }
    segments.push({
      mode,
      loadAverage: Math.round(loadAverage * 10) / 10,
      totalMs: figures.cost?.perOrder.totalCpuMs ?? NaN,
      servicesMs: Math.round(ownCpu(figures.cost) * 100) / 100,
      spansPerOrder: figures.cost?.perOrder.counts['spans exported'],
      // How much the consumers batched: fewer transactions per order when a system falls behind.
      transactionsPerOrder:
        Math.round(
          Object.entries(figures.cost?.perOrder.counts ?? {})
            .filter(([name]) => name.startsWith('transactions '))
            .reduce((total, [, n]) => total + n, 0) * 10,
        ) / 10,
      confirmed: figures.confirmed,
      placedOrders: figures.placedOrders,
      confirmedPerSecond: figures.confirmedPerSecond,
      accepted: figures.accepted,
      cost: figures.cost,
    });
  }
  const summary = tracingSummary(segments);
  const behind =
    rate > 0
      ? segments.flatMap((s, i) => (s.confirmedPerSecond < 0.9 * rate ? [String(i + 1)] : []))
      : [];
  const settings = {
    rate,
    pairs,
    segmentSeconds: durationSeconds,
    order: schedule,
    connections,
    sampler: 'parentbased_traceidratio 1, exported to an OTLP/HTTP receiver',
  };
  results.tracing = { settings, segments, summary };
  const spans = median(segments.filter((s) => s.mode === 'on').map((s) => s.spansPerOrder ?? NaN));
  printTable(
    `Tracing cost: checkout ${rate > 0 ? `paced at ${rate} orders/s` : 'saturated'}, ` +
      `${schedule.length} segments of ${durationSeconds} s (${schedule.join(' ')}), ` +
      'each on a freshly started system after a vacuum; ms of CPU per confirmed order',
    [
      ...segments.map((s, i): Row => [
        `${i + 1}. tracing ${s.mode === 'on' ? '100%' : 'off'}`,
        s.totalMs.toFixed(2),
        `services ${s.servicesMs.toFixed(2)}; ${s.confirmed}/${s.placedOrders} confirmed, ` +
          `${perSecond(s.confirmedPerSecond)}, ${s.transactionsPerOrder} transactions/order; ` +
          `load average ${s.loadAverage} before`,
      ]),
      [
        'median off',
        summary.off.totalMs.toFixed(2),
        `services ${summary.off.servicesMs.toFixed(2)}`,
      ],
      [
        'median 100%',
        summary.on.totalMs.toFixed(2),
        `services ${summary.on.servicesMs.toFixed(2)}; spans/order ${Number.isFinite(spans) ? spans.toFixed(1) : '—'}`,
      ],
      [
        'tracing 100% vs off',
        signedPercent(summary.more.total),
        `services ${signedPercent(summary.more.services)} (target ≤ +15%), medians`,
      ],
      [
        'each pair, in order',
        summary.pairs.total.map(signedPercent).join(', '),
        `services ${summary.pairs.services.map(signedPercent).join(', ')}`,
      ],
      ...(behind.length > 0
        ? [
            [
              'fell behind',
              behind.join(', '),
              `confirmed < 90% of ${rate}/s: such a segment batches more (fewer transactions, ` +
                'less Postgres CPU per order) and does not compare like with like',
            ] satisfies Row,
          ]
        : []),
    ],
  );
}

/** A paced saga segment with what its run measured. */
type PacedRun = PacedSegment & {
  figures: {
    accepted: LoadFigures | PacedFigures;
    confirmed: number;
    placedOrders: number;
    cost?: Cost;
  };
};

/** The paced saga's segments, their medians and the #21 target's ratios; CPU by process. */
function printPacedSaga(rate: number, segments: PacedRun[], summary: PacedSummary) {
  const { system, bare } = summary;
  const onsetSeconds = ONSET_MS / 1000;
  const detail = (m: PacedMedians) =>
    `p50 ${ms(m.placedToConfirmed.p50)}; placed in the first ${onsetSeconds} s p99 ${ms(m.byOnset.onset.p99)}, ` +
    `after p99 ${ms(m.byOnset.after.p99)}; accepted p99 ${ms(m.accepted.p99)}, p50 ${ms(m.accepted.p50)}; ` +
    (Number.isFinite(m.cpuMs)
      ? `${m.cpuMs.toFixed(1)} ms CPU/order (${((m.cpuMs * rate) / 1000).toFixed(2)} of ${cpus().length} cores)`
      : 'CPU not read (a system elsewhere)');
  const rows: Row[] = segments.map((s, i) => [
    `${i + 1}. ${s.side === 'system' ? 'system' : 'bare saga'}`,
    ms(s.placedToConfirmed.p99),
    `${detail(s)}; ${s.figures.confirmed}/${s.figures.placedOrders} confirmed` +
      ('sendLag' in s.figures.accepted
        ? `; sent late p99 ${ms(s.figures.accepted.sendLag.p99)}`
        : ''),
  ]);
  if (Number.isFinite(summary.ratio)) {
    rows.push(
      ['median system', ms(system.placedToConfirmed.p99), detail(system)],
      ['median bare saga', ms(bare.placedToConfirmed.p99), detail(bare)],
      [
        'placed -> confirmed p99',
        `${summary.ratio.toFixed(2)}x`,
        `the medians (target ≤ 1.5x); each pair: ${summary.pairs.map((r) => `${r.toFixed(2)}x`).join(', ')}`,
      ],
      [
        `placed after ${onsetSeconds} s p99`,
        `${summary.afterOnsetRatio.toFixed(2)}x`,
        `the medians of the orders placed after each segment's first ${onsetSeconds} s (not the target)`,
      ],
      [
        'checkout accepted p99',
        ms(system.accepted.p99),
        `the system's median (target ≤ 100 ms); bare saga ${ms(bare.accepted.p99)}`,
      ],
    );
  }
  const order = segments.map((s) => (s.side === 'system' ? 'S' : 'B')).join(' ');
  printTable(
    `Paced saga at ${rate} orders/s: ${segments.length} segments of ${durationSeconds} s ` +
      `(${order}: S system, B bare saga); placed -> confirmed p99`,
    rows,
  );
  if (!Number.isFinite(summary.ratio)) return;
  const part = (side: PacedSide, name: string) =>
    median(
      segments
        .filter((s) => s.side === side)
        .map((s) => s.figures.cost?.perOrder.cpuMs[name] ?? NaN),
    );
  printTable(
    `What an order costs at ${rate} orders/s (ms of CPU per confirmed order, medians)`,
    PARTS.map((name) => {
      const [mine, theirs] = [part('system', name), part('bare', name)];
      return [
        name,
        Number.isFinite(mine) ? mine.toFixed(2) : '—',
        `bare ${Number.isFinite(theirs) ? theirs.toFixed(2) : '—'}`,
      ];
    }),
  );
}

/** What an order costs, by part, beside the bare saga's, with the ratios the issue targets. */
function printCost(cost: Cost, bare: SagaFigures | undefined, confirmedPerSecond: number) {
  const b = bare?.cost;
  const rows: Row[] = PARTS.map((part) => [
    part,
    cpuCell(cost, part),
    b ? `bare ${cpuCell(b, part)}` : undefined,
  ]);
  const total = cost.perOrder.totalCpuMs;
  rows.push([
    'total (ms CPU/order)',
    total.toFixed(2),
    b
      ? `bare ${b.perOrder.totalCpuMs.toFixed(2)}: ${(total / b.perOrder.totalCpuMs).toFixed(2)}x (target ≤ 1.5x)`
      : undefined,
  ]);
  rows.push(['load generator', cpuCell(cost, 'load generator'), 'apart']);
  rows.push([
    'confirmed/s',
    perSecond(confirmedPerSecond),
    bare
      ? `bare ${perSecond(bare.confirmedPerSecond)}: ${ratio(confirmedPerSecond, bare.confirmedPerSecond)} (target ≥ 60%)`
      : undefined,
  ]);
  for (const [name, count] of Object.entries(cost.perOrder.counts)) {
    const bareCount = b?.perOrder.counts[name];
    rows.push([
      `${name} /order`,
      count.toFixed(1),
      bareCount === undefined ? undefined : `bare ${bareCount.toFixed(1)}`,
    ]);
  }
  printTable('What an order costs (ms of CPU per confirmed order; per order counts)', rows);
  if (cost.rabbitIdleMsPerSecond > 0) {
    console.log(
      `(rabbitmq: less ${cost.rabbitIdleMsPerSecond} ms/s it used before the run — the broker is shared)`,
    );
  }
}

if (!(await statementsLoaded(values.postgres!).catch(() => false))) {
  console.log(
    '\nSQL statements per order need pg_stat_statements: shared_preload_libraries = ' +
      "'pg_stat_statements' and a Postgres restart (transactions are counted without it).",
  );
}

results.finishedAt = new Date().toISOString();
const dir =
  [join(process.cwd(), 'results'), join(process.cwd(), 'bench/results')].find((d) =>
    existsSync(d),
  ) ?? 'results';
console.log(`\nresults: ${saveResults(dir, results)}`);
process.exit(0);
