import type { BenchConfig } from '../config.js';
import type { RunningServer, ServerSpec } from '../servers.js';

export interface Scenario {
  name: string;
  unit: string;
  /** Whether a bigger figure is better (throughput) or worse (time, memory). */
  higherIsBetter: boolean;
  /** Servers whose figure is `undefined` lack the feature (e.g. MLSD). */
  run(server: RunningServer, config: BenchConfig, spec: ServerSpec): Promise<number | undefined>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
