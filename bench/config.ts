/**
 * Benchmark settings: full-size by default, `--quick` for a smoke run. Every size and
 * duration can be overridden by a flag or a BENCH_* environment variable.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchConfig {
  quick: boolean;
  /** Directory every server serves; fixtures are created there once and reused. */
  dir: string;
  /** Size of the file downloaded by the RETR scenario. */
  retrBytes: number;
  /** Size of the upload of the STOR scenario. */
  storBytes: number;
  /**
   * Rounds: every scenario runs this many times on every server, interleaved; the table
   * shows the median of the rounds (the JSON also keeps the best and every sample).
   */
  rounds: number;
  /** How long each rate scenario (files/s, logins/s) runs. */
  durationMs: number;
  smallFileBytes: number;
  smallFileCount: number;
  smallFileClients: number;
  loginClients: number;
  listEntries: number;
  /** Files of the many-file session scenarios (lftp mirror, curl), in 4 folders. */
  treeFiles: number;
  /**
   * The first server's control port (the next servers take the following ones), so that
   * two benchmarks on one machine do not reach each other's servers.
   */
  portBase: number;
  /** Size of the FTPS (PROT P) and S3 transfers. */
  secureBytes: number;
  idleSessions: number;
  /** Server names to run (empty: all). */
  only: string[];
  /** Scenario names to run (empty: all). */
  scenarios: string[];
}

const MiB = 1024 * 1024;

export function loadConfig(argv = process.argv.slice(2), env = process.env): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      dir: { type: 'string' },
      only: { type: 'string' },
      scenarios: { type: 'string' },
      duration: { type: 'string' },
      'retr-mib': { type: 'string' },
      'stor-mib': { type: 'string' },
      rounds: { type: 'string' },
      'idle-sessions': { type: 'string' },
      'tree-files': { type: 'string' },
      'secure-mib': { type: 'string' },
      'port-base': { type: 'string' },
    },
  });
  const quick = values.quick || env.BENCH_QUICK === '1';
  const num = (flag: string | undefined, envName: string, fallback: number): number => {
    const text = flag ?? env[envName];
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`bad value for ${envName}: ${text}`);
    return n;
  };
  const list = (text: string | undefined): string[] => (text ? text.split(',').map((s) => s.trim()).filter(Boolean) : []);
  return {
    quick,
    dir: values.dir ?? env.BENCH_DIR ?? join(tmpdir(), 'ftpkit-bench'),
    retrBytes: num(values['retr-mib'], 'BENCH_RETR_MIB', quick ? 256 : 1024) * MiB,
    storBytes: num(values['stor-mib'], 'BENCH_STOR_MIB', quick ? 128 : 512) * MiB,
    rounds: num(values.rounds, 'BENCH_ROUNDS', quick ? 1 : 3),
    durationMs: num(values.duration, 'BENCH_DURATION_MS', quick ? 2000 : 8000),
    smallFileBytes: 4096,
    smallFileCount: 256,
    smallFileClients: 16,
    loginClients: 32,
    listEntries: 10_000,
    treeFiles: num(values['tree-files'], 'BENCH_TREE_FILES', quick ? 100 : 300),
    secureBytes: num(values['secure-mib'], 'BENCH_SECURE_MIB', quick ? 32 : 256) * MiB,
    portBase: num(values['port-base'], 'BENCH_PORT_BASE', 2200),
    idleSessions: num(values['idle-sessions'], 'BENCH_IDLE_SESSIONS', quick ? 300 : 1000),
    only: list(values.only ?? env.BENCH_ONLY),
    scenarios: list(values.scenarios ?? env.BENCH_SCENARIOS),
  };
}
