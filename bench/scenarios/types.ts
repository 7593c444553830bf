import type { BenchConfig } from '../config.js';
import type { RunningServer, ServerSpec } from '../servers.js';

export interface Scenario {
  name: string;
  unit: string;
  /** Whether a bigger figure is better (throughput) or worse (time, memory). */
  higherIsBetter: boolean;
  /** One measurement; `undefined` when the server lacks the feature (e.g. MLSD). */
  run(server: RunningServer, config: BenchConfig, spec: ServerSpec): Promise<number | undefined>;
}
