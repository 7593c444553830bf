import type { BenchConfig } from '../config.js';
import type { RunningServer, ServerSpec } from '../servers.js';

export interface Scenario {
  name: string;
  unit: string;
  /** Whether a bigger figure is better (throughput) or worse (time, memory). */
  higherIsBetter: boolean;
  /**
   * For rate scenarios: how many operations a measured figure stands for, so that the
   * server's CPU time per operation can be reported beside it. That figure barely
   * moves with other load on the machine, unlike rates.
   */
  operations?(value: number, config: BenchConfig): number;
  /**
   * Also report the CPU time per operation of the client processes `run` started and
   * waited for (lftp, curl): a client that waits for each reply bounds what any server
   * can reach with it, and this row shows how close that bound is.
   */
  clientCpu?: boolean;
  /** What one operation is in the CPU row's unit (`µs/op` unless set, e.g. `MiB`). */
  operationUnit?: string;
  /**
   * Runs on the fresh server before its CPU time is first read, so first-use costs (a JIT
   * compiling the code path, cold caches) are not charged to the measured operations.
   */
  warmUp?(server: RunningServer, config: BenchConfig): Promise<void>;
  /** Start each server with explicit FTPS offered (the benchmark's certificate). */
  tls?: boolean;
  /** Sends only what the Node floor answers (logins, EPSV, RETR): servers with `floorOnly` run it too. */
  floor?: boolean;
  /**
   * Start the server this scenario measures instead of `spec.start` (e.g. over S3);
   * undefined when the server has no such setup (its figure is n/a).
   */
  start?(spec: ServerSpec, config: BenchConfig, port: number, passive: string): Promise<RunningServer | undefined>;
  /** One measurement; `undefined` when the server lacks the feature (e.g. MLSD). */
  run(server: RunningServer, config: BenchConfig, spec: ServerSpec): Promise<number | undefined>;
}
