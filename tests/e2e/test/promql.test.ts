import { exportedNames, seriesNames } from '../src/promql.js';

describe('seriesNames', () => {
  it('when a query aggregates, divides and quantiles series, then only the series names come out', () => {
    expect(
      seriesNames(
        'histogram_quantile(0.99, sum by (le, service) (rate(http_server_request_duration_seconds_bucket{service=~"$service",status_code=~"5.."}[5m])))',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket']);
    expect(
      seriesNames(
        'max by (service, pool) ((db_pool_connections{service=~"$service"} - db_pool_idle_connections) / db_pool_max_connections{a="b} or {"})',
      ),
    ).toEqual(['db_pool_connections', 'db_pool_idle_connections', 'db_pool_max_connections']);
    expect(seriesNames('up{job=~"bazaar-.*"} == 0 and on (job) foo offset 5m > bool 1')).toEqual([
      'up',
      'foo',
    ]);
  });
});

describe('exportedNames', () => {
  it('when a metric has no sample yet, then its TYPE line still names it, with a histogram its parts', () => {
    const names = exportedNames(
      [
        '# HELP a_total help',
        '# TYPE a_total counter',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="1",service="x"} 0',
        'g{service="x"} 3',
      ].join('\n'),
    );
    expect([...names].sort()).toEqual(
      ['a_total', 'g', 'h_seconds', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum'].sort(),
    );
  });
});
