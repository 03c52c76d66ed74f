import { Registry } from 'prom-client';
import { createSearchMetrics } from '../src/metrics.js';

describe('index freshness metric', () => {
  const NOW = Date.parse('2026-11-22T12:00:00.000Z');

  async function observed(changedAt: string) {
    const registry = new Registry();
    createSearchMetrics(registry, () => NOW).observeFreshness('product.updated', changedAt);
    const [metric] = (await registry.getMetricsAsJSON()) as unknown as {
      values: { metricName: string; value: number; labels: Record<string, unknown> }[];
    }[];
    return metric.values;
  }
  const sumOf = (values: Awaited<ReturnType<typeof observed>>) =>
    values.find((v) => v.metricName === 'search_index_freshness_seconds_sum')?.value;
  const bucket = (values: Awaited<ReturnType<typeof observed>>, le: number) =>
    values.find(
      (v) => v.metricName === 'search_index_freshness_seconds_bucket' && v.labels.le === le,
    )?.value;

  it('when a change became searchable 1.5 s after it happened, then 1.5 s is observed for its event type', async () => {
    const values = await observed('2026-11-22T11:59:58.500Z');
    expect(sumOf(values)).toBeCloseTo(1.5);
    expect(bucket(values, 1)).toBe(0);
    expect(bucket(values, 2.5)).toBe(1);
    expect(values[0].labels.event).toBe('product.updated');
  });

  it('when the change seems to come from the future (clock skew), then zero is observed', async () => {
    expect(sumOf(await observed('2026-11-22T12:00:05.000Z'))).toBe(0);
  });

  it('when the change time cannot be read, then zero is observed rather than nothing', async () => {
    const values = await observed('not a time');
    expect(sumOf(values)).toBe(0);
    expect(values.find((v) => v.metricName === 'search_index_freshness_seconds_count')?.value).toBe(
      1,
    );
  });
});
