/**
 * A fleet on loopback for tests: N `ftpkit` program processes, each on its own address
 * (127.0.0.11, 127.0.0.12, …) with its own passive slice, sharing one storage directory,
 * behind a real HAProxy on 127.0.0.1 that connects from 127.0.0.10 with PROXY v2. Each
 * node advertises the balancer as its public host and trusts only the balancer's
 * address. Tests build on it: start a fleet, drive clients at `fleet.port`, read each
 * node's logs, stop or kill nodes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../../packages/cli/test/support.js';
import { skipUnless } from '../support/process.js';
import { startHaproxy, type Balancer } from './haproxy.js';

/** The balancer's front-end address. */
export const BALANCER_HOST = '127.0.0.1';
/** Where HAProxy connects to the nodes from; the nodes' `--proxy-protocol`. */
export const BALANCER_SOURCE = '127.0.0.10';

/** A `skip` value for fleet tests (HAProxy installed; see .ci/run). */
export const skipUnlessHaproxy = (): false | string => skipUnless('haproxy', ['-v']);

/** One JSON log line of a node (pino). */
export type LogLine = Record<string, unknown> & { msg?: string; address?: string; via?: string };

/** One running node. */
export interface FleetNode {
  index: number;
  /** Its own address, 127.0.0.(11 + index). */
  address: string;
  /** Its control port (clients go through the balancer instead). */
  port: number;
  passivePorts: { min: number; max: number };
  /** What the balancer adds to its passive ports (the node's `--passive-port-offset`). */
  advertisedOffset: number;
  /** The xferlog file it appends to. */
  xferlog: string;
  /** Its log lines so far, parsed. */
  logs(): LogLine[];
  /** SIGTERM and wait (a clean stop); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Send a signal without waiting (e.g. SIGKILL). */
  kill(signal: NodeJS.Signals): void;
  /** Its process's exit code, or null while it runs (or after a signal). */
  exitCode(): number | null;
}

export interface FleetOptions {
  /** Number of nodes. Default 2. */
  nodes?: number;
  /** Passive ports per node. Default 10. */
  passivePortsPerNode?: number;
  /** Extra `ftpkit` flags for node `index` (users, limits, state, …). */
  args?: (index: number) => string[];
  /**
   * Make the balancer take each passive slice on ports shifted by this much (as a
   * NodePort would), and the nodes advertise them with `--passive-port-offset`. Default 0.
   */
  advertisedOffset?: number;
}

export interface Fleet {
  /** The balancer's control address: what clients connect to. */
  host: string;
  port: number;
  nodes: FleetNode[];
  /** The storage directory every node serves (`--root`). */
  root: string;
  balancer: Balancer;
  /**
   * Run a test body; if it throws, the error carries the balancer's node states, its
   * output and each node's last log lines, so that a failure far away can be read.
   */
  explained<T>(body: () => Promise<T>): Promise<T>;
  /** Stop the balancer and every node still running, remove the temporary files. */
  stop(): Promise<void>;
}

/** Flags every node gets unless `args` adds more: a user alice/secret with full access. */
const DEFAULT_USER = ['--user', 'alice:secret'];

/** Start the nodes, then the balancer in front of them. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const count = options.nodes ?? 2;
  const slice = options.passivePortsPerNode ?? 10;
  const advertisedOffset = options.advertisedOffset ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'ftpkit-fleet-'));
  const root = join(dir, 'storage');
  await mkdir(root);
  const started: Awaited<ReturnType<typeof startCli>>[] = [];
  let balancer: Balancer | undefined;
  try {
    const [port, monitorPort, statsPort] = [await freePort(), await freePort(), await freePort()];
    const base = await freeRange(count * slice, advertisedOffset);
    const nodes: FleetNode[] = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const address = `127.0.0.${11 + index}`;
        const passivePorts = { min: base + index * slice, max: base + (index + 1) * slice - 1 };
        const xferlog = join(dir, `xferlog-${index}`);
        const extra = options.args?.(index) ?? DEFAULT_USER;
        const cli = await startCli([
          '--host', address, '--port', '0', '--root', root,
          '--passive-ports', `${passivePorts.min}-${passivePorts.max}`, '--public-host', BALANCER_HOST,
          '--proxy-protocol', BALANCER_SOURCE, '--log-level', 'debug', '--xferlog', xferlog,
          ...(advertisedOffset ? ['--passive-port-offset', String(advertisedOffset)] : []),
          ...extra,
        ]);
        started.push(cli);
        return {
          index,
          address,
          port: cli.port,
          passivePorts,
          advertisedOffset,
          xferlog,
          logs: () => parseLogs(cli.errors()),
          stop: () => cli.stop(),
          kill: (signal: NodeJS.Signals) => void cli.child.kill(signal),
          exitCode: () => cli.child.exitCode,
        };
      }),
    );
    nodes.sort((a, b) => a.index - b.index);
    balancer = await startHaproxy({ host: BALANCER_HOST, port, source: BALANCER_SOURCE, monitorPort, nodes }, dir, statsPort);
    const running = balancer;
    return {
      host: BALANCER_HOST,
      port,
      nodes,
      root,
      balancer: running,
      async explained(body) {
        try {
          return await body();
        } catch (err) {
          const states = await running.nodeStates().catch((e: Error) => [e.message]);
          const logs = nodes.map((node) => {
            const tail = node.logs().slice(-15).map((line) => JSON.stringify(line));
            return `node ${node.index} (exit code ${String(node.exitCode())}):\n  ${tail.join('\n  ')}`;
          });
          const report = [`balancer: ${states.join('; ')}`, running.output().trim(), ...logs].filter(Boolean).join('\n');
          if (err instanceof Error) err.message += `\n--- fleet state ---\n${report}`;
          throw err;
        }
      },
      async stop() {
        await running.stop();
        await Promise.all(started.map((cli) => cli.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await balancer?.stop();
    await Promise.all(started.map((cli) => cli.stop()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function parseLogs(stderr: string): LogLine[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** A port free on the balancer's address right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, BALANCER_HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The first port of `size` consecutive ports, all free right now (and free again
 * `offset` higher, for a shifted balancer), from a random start.
 */
async function freeRange(size: number, offset: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    const ports = Array.from({ length: size }, (_, i) => base + i);
    const probes = await Promise.all([...ports, ...(offset ? ports.map((p) => p + offset) : [])].map(canBind));
    if (probes.every(Boolean)) return base;
  }
  throw new Error(`no ${size} consecutive free ports found`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: BALANCER_HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
