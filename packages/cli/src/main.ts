/** Entry point of the `ftpkit` program. */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { FtpServer, pathPermissions, startCluster, type AuthRequest, type AuthResult, type StateStore } from '@ftpkit/core';
import { parseCommandLine, USAGE, UsageError, type Flags } from './args.js';
import { describeBackend, Storages } from './backend.js';
import { loadConfigFile } from './config/file.js';
import { resolveConfig, type CliConfig } from './config/resolve.js';
import { hashPasswordCommand } from './hash-password.js';
import { createLogger } from './logger.js';
import { clusterMetrics, createMetrics, offerToCluster, serveMetrics } from './metrics.js';
import { openStateStore } from './state.js';
import { UserDirectory } from './users.js';
import { attachXferlog } from './xferlog.js';

/** The settings for `flags`: the config file they name (if any) overridden by the flags. */
export async function loadConfig(flags: Flags): Promise<CliConfig> {
  return resolveConfig(flags, flags.config ? await loadConfigFile(flags.config) : undefined);
}

/** A started program: the FTP server and, when asked for, the metrics endpoint. */
export interface Running {
  server: FtpServer;
  /** The control address it listens on. */
  address: AddressInfo;
  /** `http://host:port/metrics`, when metrics are served. */
  metricsUrl?: string;
  /** Stop the metrics endpoint and the server (running transfers get `timeout` ms). */
  close(timeout?: number): Promise<void>;
}

/** Build and start the server `config` describes; resolves once it is listening. */
export async function startFromConfig(config: CliConfig): Promise<Running> {
  const { server, metrics, closeState } = await buildServer(config);
  try {
    await server.listen();
  } catch (err) {
    metrics?.server.close();
    await closeState();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  const where = metrics?.address;
  return {
    server,
    address: server.address!,
    ...(where ? { metricsUrl: metricsUrl(where) } : {}),
    async close(timeout = 5000) {
      metrics?.server.close();
      await server.close({ timeout });
      await closeState();
    },
  };
}

interface Built {
  server: FtpServer;
  metrics?: Awaited<ReturnType<typeof serveMetrics>>;
  /** Close the Redis connection, if this process opened one. */
  closeState(): Promise<void>;
}

/**
 * The server `config` describes, with its metrics endpoint if any; not yet listening.
 * `workerState` is the cluster primary's store (over IPC) in a worker; a configured
 * Redis takes precedence.
 */
async function buildServer(config: CliConfig, workerState?: StateStore): Promise<Built> {
  const storages = await openStorages(config);
  const redis = openStateStore(config.state);
  const state = redis ?? workerState;
  const server: FtpServer = new FtpServer({
    host: config.host,
    port: config.port,
    anonymous: config.anonymous,
    authenticate: (request: AuthRequest): Promise<AuthResult> => users.authenticate(request),
    logger: createLogger(config.logLevel),
    ...config.limits,
    ...(state ? { state } : {}),
    ...(config.state.failurePolicy ? { stateFailurePolicy: config.state.failurePolicy } : {}),
    ...(config.state.leaseTtl !== undefined ? { leaseTtl: config.state.leaseTtl } : {}),
    ...(config.state.timeout !== undefined ? { stateTimeout: config.state.timeout } : {}),
    ...(config.passivePorts ? { passivePorts: config.passivePorts } : {}),
    ...(config.publicHost ? { publicHost: config.publicHost } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
  });
  const users: UserDirectory = new UserDirectory(config, storages, server.state, server.options.leaseTtl);
  server.use(pathPermissions(users.policyOf));
  if (config.xferlog) {
    await attachXferlog(server, config.xferlog.file, config.xferlog.format).catch((err: Error) => {
      throw new UsageError(`cannot open xferlog ${config.xferlog!.file}: ${err.message}`);
    });
  }
  const closeState = async () => void (await redis?.close());
  if (config.metrics && cluster.isWorker) offerToCluster(createMetrics(server)); // the primary serves the sum
  const metrics =
    config.metrics && !cluster.isWorker ? await serveMetrics(createMetrics(server), config.metrics.host, config.metrics.port) : undefined;
  return { server, ...(metrics ? { metrics } : {}), closeState };
}

/** The storages `config` uses, each opened once so an unusable one fails at startup, not at the first login. */
async function openStorages(config: CliConfig): Promise<Storages> {
  const storages = new Storages(config.demo);
  await storages.get(config.backend);
  for (const user of config.users) await storages.get(user.backend, user.root);
  return storages;
}

/**
 * Serve from `config.workers` processes. This runs in the primary and, re-run by
 * node:cluster, in every worker; a worker builds its server on its own slice of the
 * passive range and returns undefined. The primary resolves once every worker listens.
 */
async function startWorkers(config: CliConfig): Promise<Pick<Running, 'address' | 'close' | 'metricsUrl'> | undefined> {
  // Checked once here too, so a bad storage is one message rather than one per worker.
  if (cluster.isPrimary) await openStorages(config);
  const handle = await startCluster({
    workers: config.workers,
    scheduling: config.workerScheduling,
    ...(config.passivePorts ? { passivePorts: config.passivePorts } : {}),
    create: async ({ passivePorts, state }) => {
      const built = await buildServer({ ...config, ...(passivePorts ? { passivePorts } : {}) }, state);
      built.server.once('close', () => void built.closeState());
      return built.server;
    },
  });
  if (handle.role === 'worker') {
    // Ctrl-C signals the whole process group: the primary closes the workers over IPC.
    process.on('SIGINT', () => {});
    return undefined;
  }
  const metrics = config.metrics ? await serveMetrics(clusterMetrics(), config.metrics.host, config.metrics.port) : undefined;
  return {
    address: handle.address,
    ...(metrics ? { metricsUrl: metricsUrl(metrics.address) } : {}),
    close: async (timeout = 5000) => {
      metrics?.server.close();
      await handle.close({ timeout });
    },
  };
}

function metricsUrl(where: AddressInfo): string {
  return `http://${where.address.includes(':') ? `[${where.address}]` : where.address}:${where.port}/metrics`;
}

function fail(err: unknown): never {
  process.stderr.write(`ftpkit: ${(err as Error).message}${err instanceof UsageError ? ' (see ftpkit --help)' : ''}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
}

/** Run the program: parse flags, start, print the address, stop cleanly on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'hash-password') {
    process.exitCode = await hashPasswordCommand(argv.slice(1));
    return;
  }
  let flags: Flags | 'help';
  let config: CliConfig;
  try {
    flags = parseCommandLine(argv);
    if (flags === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    config = await loadConfig(flags);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    fail(err);
  }
  let running: Pick<Running, 'address' | 'close' | 'metricsUrl'> | undefined;
  try {
    running = config.workers > 1 ? await startWorkers(config) : await startFromConfig(config);
  } catch (err) {
    fail(err);
  }
  if (!running) return; // a worker: its primary reports and stops it
  const started = running;
  const { address, port } = started.address;
  const host = address.includes(':') ? `[${address}]` : address;
  // One write, so that a reader sees the whole startup message at once.
  const scheme = config.tls?.implicit ? 'ftps' : 'ftp';
  const workers = config.workers > 1 ? `, ${config.workers} workers` : '';
  const lines = [`ftpkit listening on ${scheme}://${host}:${port} (${describeBackend(config.backend)}${workers})`];
  if (config.tls) {
    lines.push(config.tls.implicit ? 'implicit FTPS: TLS from the first byte' : 'explicit FTPS available (AUTH TLS)');
    if (config.tls.requireTls) lines.push('TLS required for logins and data');
  }
  if (started.metricsUrl) lines.push(`metrics on ${started.metricsUrl}`);
  if (config.demo) lines.push('login: user "demo", password "demo"');
  if (config.anonymous) lines.push('anonymous logins allowed (read-only)');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing\n`);
    started.close(5000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
