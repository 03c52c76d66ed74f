import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';

export type Row = [label: string, value: string, note?: string];

/** Prints a two-column table of figures. */
export function printTable(title: string, rows: Row[]): void {
  const width = Math.max(...rows.map((r) => r[0].length), 10);
  console.log(`\n${title}`);
  console.log('-'.repeat(title.length));
  for (const [label, value, note] of rows) {
    console.log(`${label.padEnd(width)}  ${value.padStart(12)}${note ? `  ${note}` : ''}`);
  }
}

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Writes one run's results to `bench/results/<time>.json` and returns the path. */
export function saveResults(dir: string, results: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
export const perSecond = (value: number) =>
  Number.isFinite(value) ? `${Math.round(value)}/s` : 'n/a';
export const ratio = (a: number, b: number) => (b > 0 ? `${((a / b) * 100).toFixed(0)}%` : 'n/a');
