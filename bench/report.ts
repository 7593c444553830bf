/** The side-by-side table (ftpkit against each peer) and the JSON record of a run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import type { Scenario } from './scenarios/types.js';

/** One figure per scenario and server: figures[scenario][server]. */
export type Figures = Record<string, Record<string, number | undefined>>;
/** Every measurement, null where the server lacks the feature: samples[scenario][server]. */
export type Samples = Record<string, Record<string, (number | null)[]>>;

export function machine(): Record<string, string | number> {
  return { cpus: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** The median of every server's measurements in each scenario (failed ones left out). */
export function medians(samples: Samples): Figures {
  const out: Figures = {};
  for (const [scenario, byServer] of Object.entries(samples)) {
    const row: Record<string, number | undefined> = (out[scenario] = {});
    for (const [server, values] of Object.entries(byServer)) {
      const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
      if (sorted.length === 0) continue;
      const mid = sorted.length >> 1;
      row[server] = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
  }
  return out;
}

function format(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * A Markdown table: one column per server, then ftpkit/peer for each peer (for time
 * and memory rows a ratio below 1 means ftpkit is better) and the 2-worker scaling.
 */
export function table(scenarios: Scenario[], servers: string[], figures: Figures): string {
  const [main, ...rest] = servers;
  const scaled = rest.filter((s) => s.startsWith('ftpkit'));
  const peers = rest.filter((s) => !s.startsWith('ftpkit'));
  const header = ['scenario', 'unit', ...servers, ...peers.map((p) => `ftpkit/${p}`), ...scaled.map((s) => `${s}/ftpkit`)];
  const rows = scenarios.map((scenario) => {
    const row = figures[scenario.name] ?? {};
    const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);
    return [
      scenario.name,
      `${scenario.unit} ${scenario.higherIsBetter ? '↑' : '↓'}`,
      ...servers.map((s) => format(row[s])),
      ...peers.map((p) => ratio(row[main!], row[p])),
      ...scaled.map((s) => ratio(row[s], row[main!])),
    ];
  });
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

/** Write the run to bench/results/<timestamp>.json (and latest.json); returns the path. */
export function saveResults(
  root: string,
  config: BenchConfig,
  servers: string[],
  results: { figures: Figures; best: Figures; failures: Record<string, Record<string, string>> },
  samples: Samples,
  skipped: Record<string, string>,
): string {
  const dir = join(root, 'results');
  mkdirSync(dir, { recursive: true });
  const record = { date: new Date().toISOString(), machine: machine(), config, servers, skipped, ...results, samples };
  const text = `${JSON.stringify(record, null, 2)}\n`;
  const path = join(dir, `${record.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return path;
}
