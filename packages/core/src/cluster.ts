/**
 * Multi-core serving on node:cluster. Control connections are dealt to the workers (by
 * the primary, or by the kernel with `scheduling: 'os'`); every worker runs its own
 * FtpServer and binds its own slice of the passive port range directly (exclusive
 * listeners), so the data connection announced by a worker's PASV/EPSV can only reach
 * that worker, which holds the session.
 *
 * The limits' state (bans, session and connection caps, quotas, buckets) is kept by the
 * primary and reached by the workers over IPC (`setup.state`), unless the host gives
 * the servers a shared store of its own (Redis), so that N workers enforce one limit.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { PortRange } from './options.js';
import type { CloseOptions, FtpServer } from './server.js';
import { IpcStateStore, serveStateStore } from './state/ipc-store.js';
import { MemoryStateStore } from './state/memory-store.js';
import type { StateStore } from './state/store.js';

/** What a worker's server must be built with. */
export interface WorkerSetup {
  /** 0-based worker number, stable across restarts. */
  index: number;
  /** How many workers there are. */
  count: number;
  /** This worker's slice of the passive range; pass it as the server's `passivePorts`. */
  passivePorts: PortRange | undefined;
  /**
   * The state store held by the primary (over IPC) when there are several workers;
   * pass it as the server's `state` unless you use a shared store of your own (Redis).
   * Undefined without a cluster (the server's default store is the process's own).
   */
  state: StateStore | undefined;
}

/** How {@link startCluster} runs the workers. */
export interface ClusterOptions {
  /** Worker processes to run; 1 (or less) serves from this process without a cluster. */
  workers: number;
  /** The whole passive port range, split into one contiguous slice per worker. */
  passivePorts?: PortRange;
  /** Builds the server of one worker (called in the worker process); do not call `listen()`. */
  create(setup: WorkerSetup): FtpServer | Promise<FtpServer>;
  /**
   * Who picks the worker for a new control connection. `round-robin` (node:cluster's
   * default, also chosen by NODE_CLUSTER_SCHED_POLICY=rr when this is unset): the
   * primary accepts and deals connections in turn, so sessions spread evenly; it costs an
   * IPC hand-over per connection. `os`: every worker accepts from the shared socket itself,
   * which roughly halves the CPU per connection but lets the kernel spread sessions
   * unevenly (NODE_CLUSTER_SCHED_POLICY=none). This sets node:cluster's global
   * `schedulingPolicy`, so it applies only if nothing in the process forked a worker yet.
   */
  scheduling?: 'round-robin' | 'os';
}

/** A running cluster, as seen from the process that holds it. */
export interface ClusterHandle {
  /** `primary` forked the workers, `worker` is one of them, `single` runs without a cluster. */
  readonly role: 'primary' | 'worker' | 'single';
  /** The control address, shared by every worker. */
  readonly address: AddressInfo;
  /** This process's server (`worker` and `single` only). */
  readonly server: FtpServer | undefined;
  /** Primary: close every worker's server and wait for the workers to exit; otherwise close this server. */
  close(options?: CloseOptions): Promise<void>;
}

const WORKER_ENV = 'FTPKIT_CLUSTER_WORKER';

type Message = { ftpkit: 'listening'; address: AddressInfo } | { ftpkit: 'close'; timeout?: number };

/**
 * The passive ports of worker `index` out of `count`: contiguous slices, the last one
 * takes the remainder; an `advertisedOffset` carries over to every slice.
 */
export function passiveSlice(range: PortRange, index: number, count: number): PortRange {
  const size = Math.floor((range.max - range.min + 1) / count);
  if (size < 1) throw new RangeError(`passive port range ${range.min}-${range.max} is too small for ${count} workers`);
  const min = range.min + index * size;
  return { ...range, min, max: index === count - 1 ? range.max : min + size - 1 };
}

/**
 * Run the server on `workers` processes. Call it the same way in every process: in the
 * primary it forks the workers (which re-run the program) and resolves once all of them
 * listen; in a worker it builds that worker's server and listens.
 */
export async function startCluster(options: ClusterOptions): Promise<ClusterHandle> {
  const count = Math.max(1, Math.floor(options.workers));
  if (count === 1) {
    const server = await build(options, 0, 1);
    const address = await server.listen();
    return { role: 'single', address, server, close: (o) => server.close(o) };
  }
  if (cluster.isWorker) return runWorker(options, count);
  if (options.scheduling) cluster.schedulingPolicy = options.scheduling === 'os' ? cluster.SCHED_NONE : cluster.SCHED_RR;
  return runPrimary(count);
}

async function build(options: ClusterOptions, index: number, count: number, state?: StateStore): Promise<FtpServer> {
  const passivePorts = options.passivePorts && passiveSlice(options.passivePorts, index, count);
  const server = await options.create({ index, count, passivePorts, state });
  const used = server.options.passivePorts;
  if (passivePorts && (!used || used.min < passivePorts.min || used.max > passivePorts.max)) {
    throw new Error('startCluster: the server must be created with the passivePorts slice it was given');
  }
  return server;
}

async function runWorker(options: ClusterOptions, count: number): Promise<ClusterHandle> {
  const index = Number(process.env[WORKER_ENV] ?? 0);
  const state = new IpcStateStore();
  const server = await build(options, index, count, state);
  const address = await server.listen();
  const close = async (closeOptions?: CloseOptions): Promise<void> => {
    await server.close(closeOptions);
    await state.close();
    cluster.worker?.disconnect();
  };
  process.on('message', (message: Message) => {
    if (message?.ftpkit === 'close') void close({ timeout: message.timeout });
  });
  process.send?.({ ftpkit: 'listening', address } satisfies Message);
  return { role: 'worker', address, server, close };
}

function runPrimary(count: number): Promise<ClusterHandle> {
  const workers = new Map<number, Worker>();
  // The workers' shared limits; a replaced worker finds them as they were.
  const state = new MemoryStateStore();
  let closing = false;

  return new Promise((resolve, reject) => {
    let pending = count;
    let address: AddressInfo | undefined;

    const fork = (index: number): void => {
      const worker = cluster.fork({ [WORKER_ENV]: String(index) });
      workers.set(index, worker);
      serveStateStore(worker, state);
      let listening = false;
      worker.on('message', (message: Message) => {
        if (message?.ftpkit !== 'listening' || listening) return;
        listening = true;
        address = message.address;
        if (--pending === 0) resolve({ role: 'primary', address, server: undefined, close });
      });
      worker.once('exit', (code, signal) => {
        workers.delete(index);
        if (closing) return;
        if (!listening) {
          // A worker that cannot start would fail again: give up on the whole cluster.
          closing = true;
          for (const other of workers.values()) other.kill();
          reject(new Error(`cluster worker ${index} exited before listening (${signal ?? code})`));
          return;
        }
        fork(index); // a crashed worker is replaced; its sessions are lost
      });
    };

    const close = async (options?: CloseOptions): Promise<void> => {
      closing = true;
      await Promise.all(
        [...workers.values()].map(
          (worker) =>
            new Promise<void>((done) => {
              if (worker.isDead()) return done();
              worker.once('exit', () => done());
              worker.send({ ftpkit: 'close', timeout: options?.timeout } satisfies Message);
              // A host handle left open in a worker must not hang the shutdown.
              setTimeout(() => worker.kill(), (options?.timeout ?? 10_000) + 5000).unref();
            }),
        ),
      );
    };

    for (let index = 0; index < count; index++) fork(index);
  });
}
