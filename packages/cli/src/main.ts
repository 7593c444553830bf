/** Entry point of the `ftpkit` program. */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { fleetAdmin, FtpServer, pathPermissions, startCluster, type AuthRequest, type AuthResult, type StateStore } from '@ftpkit/core';
import { serveAdmin } from './admin/server.js';
import { parseCommandLine, USAGE, UsageError, type Flags } from './args.js';
import { describeBackend, Storages } from './backend.js';
import { loadConfigFile } from './config/file.js';
import { resolveConfig, type CliConfig } from './config/resolve.js';
import { hashPasswordCommand } from './hash-password.js';
import { listeningCheck, stateCheck, storageCheck, type ReadinessCheck } from './health.js';
import { createLogger, type Logger } from './logger.js';
import { clusterMetrics, createMetrics, offerToCluster, serveMetrics } from './metrics.js';
import { checkPublicHost } from './public-host.js';
import { applyReload, reloadOnSighup, type ReloadTarget } from './reload.js';
import { readSecretUsers } from './secrets.js';
import { openStateStore } from './state.js';
import { StartupError } from './startup-error.js';
import { UserDirectory } from './users.js';
import { VERSION } from './version.js';
import { attachXferlog } from './xferlog.js';

/**
 * The settings for `flags`: the config file they name (if any), the users of
 * `FTPKIT_USERS` and `--users-file`, overridden by the flags. Read again on SIGHUP.
 */
export async function loadConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): Promise<CliConfig> {
  const loaded = flags.config ? await loadConfigFile(flags.config) : undefined;
  const config = resolveConfig(flags, loaded, { secretUsers: await readSecretUsers(flags.usersFile, env), env });
  if (config.publicHost !== undefined) {
    const where = flags.publicHost !== undefined || !loaded ? '--public-host' : `${loaded.source.file}:${loaded.source.lineOf(['publicHost'])}: publicHost`;
    await checkPublicHost(config.publicHost, where);
  }
  return config;
}

/** A started program: the FTP server and, when asked for, the metrics endpoint. */
export interface Running {
  server: FtpServer;
  /** The control address it listens on. */
  address: AddressInfo;
  /** `http://host:port/metrics`, when metrics are served. */
  metricsUrl?: string;
  /** `http://host:port/`, the admin dashboard (API under `/api/`), when served. */
  adminUrl?: string;
  /** Stop the metrics endpoint and the server (running transfers get `timeout` ms). */
  close(timeout?: number): Promise<void>;
  /** Put new settings' users and TLS certificate in force (what SIGHUP does). */
  reload(config: CliConfig): { users: number; tls: boolean };
  /** The program's logger. */
  logger: Logger;
}

/** Build and start the server `config` describes; resolves once it is listening. */
export async function startFromConfig(config: CliConfig): Promise<Running> {
  const { server, metrics, users, logger, closeState } = await buildServer(config);
  try {
    await server.listen();
  } catch (err) {
    metrics?.server.close();
    await closeState();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  // With Redis every node publishes its sessions and takes kicks, so that the admin API
  // of any node (one with --admin-port) shows and closes the sessions of all of them.
  const fleet = config.state.redis ? fleetAdmin(server) : undefined;
  const admin = config.admin
    ? await serveAdmin(server, config.admin, fleet).catch(async (err: Error) => {
        await fleet?.stop();
        metrics?.server.close();
        await server.close({ timeout: 0 });
        await closeState();
        throw new Error(`cannot serve the admin API on ${config.admin!.host}:${config.admin!.port}: ${err.message}`);
      })
    : undefined;
  const where = metrics?.address;
  return {
    server,
    address: server.address!,
    ...(where ? { metricsUrl: metricsUrl(where) } : {}),
    ...(admin ? { adminUrl: admin.url } : {}),
    async close(timeout = config.shutdownTimeout) {
      metrics?.server.close();
      await admin?.close();
      await fleet?.stop();
      await server.close({ timeout });
      await closeState();
    },
    reload: (next) => applyReload({ server, users }, next),
    logger,
  };
}

/** A built, not yet listening server, and what SIGHUP and the probes need of it. */
interface Built extends ReloadTarget {
  metrics?: Awaited<ReturnType<typeof serveMetrics>>;
  logger: Logger;
  /** Close the Redis connection, if this process opened one. */
  closeState(): Promise<void>;
}

/**
 * The server `config` describes, with its metrics endpoint if any; not yet listening.
 * `workerState` is the cluster primary's store (over IPC) in a worker; a configured
 * Redis takes precedence.
 */
async function buildServer(config: CliConfig, workerState?: StateStore): Promise<Built> {
  const redis = openStateStore(config.state);
  const state = redis ?? workerState;
  const storages = await openStorages(config, state).catch(async (err: unknown) => {
    await redis?.close();
    throw err;
  });
  const logger = createLogger(config.logLevel);
  const server: FtpServer = new FtpServer({
    host: config.host,
    port: config.port,
    anonymous: config.anonymous,
    authenticate: (request: AuthRequest): Promise<AuthResult> => users.authenticate(request),
    logger,
    ...config.limits,
    ...(state ? { state } : {}),
    ...(config.state.failurePolicy ? { stateFailurePolicy: config.state.failurePolicy } : {}),
    ...(config.state.leaseTtl !== undefined ? { leaseTtl: config.state.leaseTtl } : {}),
    ...(config.state.timeout !== undefined ? { stateTimeout: config.state.timeout } : {}),
    ...(config.greeting !== undefined ? { greeting: config.greeting } : {}),
    ...(config.defender ? { defender: config.defender } : {}),
    ...(config.passivePorts ? { passivePorts: config.passivePorts } : {}),
    ...(config.publicHost ? { publicHost: config.publicHost } : {}),
    ...(config.proxyProtocol ? { proxyProtocol: config.proxyProtocol } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
  });
  const users: UserDirectory = new UserDirectory(config, storages, server.state, server.options.leaseTtl);
  server.use(pathPermissions(users.policyOf));
  if (config.xferlog) {
    await attachXferlog(server, config.xferlog.file, config.xferlog.format).catch((err: Error) => {
      throw new StartupError(`cannot open the transfer log ${config.xferlog!.file}: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
    });
  }
  const closeState = async () => void (await redis?.close());
  if (config.metrics && cluster.isWorker) offerToCluster(createMetrics(server)); // the primary serves the sum
  const metrics =
    config.metrics && !cluster.isWorker
      ? await serveMetrics(createMetrics(server), config.metrics.host, config.metrics.port, readinessChecks(server, storages, config, redis))
      : undefined;
  return { server, users, logger, closeState, ...(metrics ? { metrics } : {}) };
}

/** What `/readyz` checks: the FTP listener, every configured storage and the Redis store. */
function readinessChecks(server: FtpServer, storages: Storages, config: CliConfig, redis: StateStore | undefined): ReadinessCheck[] {
  const checks = [listeningCheck(server), storageCheck('storage', () => storages.get(config.backend))];
  if (redis) checks.push(stateCheck(redis));
  const own = new Map(config.users.filter((u) => u.backend !== config.backend).map((u) => [JSON.stringify(u.backend), u.backend]));
  for (const backend of own.values()) checks.push(storageCheck(`storage ${describeBackend(backend)}`, () => storages.get(backend)));
  return checks;
}

/** The storages `config` uses, each opened once so an unusable one fails at startup, not at the first login. */
async function openStorages(config: CliConfig, state?: StateStore): Promise<Storages> {
  const storages = new Storages(config.demo, state);
  await storages.get(config.backend);
  for (const user of config.users) await storages.get(user.backend, user.root);
  return storages;
}

/**
 * Serve from `config.workers` processes. This runs in the primary and, re-run by
 * node:cluster, in every worker; a worker builds its server on its own slice of the
 * passive range and returns undefined. The primary resolves once every worker listens.
 */
async function startWorkers(config: CliConfig, flags: Flags): Promise<Pick<Running, 'address' | 'close' | 'metricsUrl'> | undefined> {
  // Checked once here too, so a bad storage is one message rather than one per worker.
  if (cluster.isPrimary) await openStorages(config);
  let built: Built | undefined;
  const handle = await startCluster({
    workers: config.workers,
    scheduling: config.workerScheduling,
    ...(config.passivePorts ? { passivePorts: config.passivePorts } : {}),
    create: async ({ passivePorts, state }) => {
      const own = (built = await buildServer({ ...config, ...(passivePorts ? { passivePorts } : {}) }, state));
      own.server.once('close', () => void own.closeState());
      return own.server;
    },
  });
  if (handle.role === 'worker') {
    // Ctrl-C signals the whole process group: the primary closes the workers over IPC.
    process.on('SIGINT', () => {});
    const target = built!;
    reloadOnSighup(() => loadConfig(flags), (next) => applyReload(target, next), target.logger);
    return undefined;
  }
  const logger = createLogger(config.logLevel);
  let closing = false;
  // startCluster replaces a worker that dies; the administrator should still hear of it.
  cluster.on('exit', (worker, code, signal) => {
    if (!closing) logger.error({ worker: worker.process.pid, code, signal }, `worker ${worker.process.pid} exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
  });
  // Each worker reads the settings again itself.
  process.on('SIGHUP', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  });
  const metrics = config.metrics ? await serveMetrics(clusterMetrics(), config.metrics.host, config.metrics.port) : undefined;
  return {
    address: handle.address,
    ...(metrics ? { metricsUrl: metricsUrl(metrics.address) } : {}),
    close: (timeout = config.shutdownTimeout) => {
      closing = true;
      metrics?.server.close();
      return handle.close({ timeout });
    },
  };
}

function metricsUrl(where: AddressInfo): string {
  return `http://${where.address.includes(':') ? `[${where.address}]` : where.address}:${where.port}/metrics`;
}

/** Print `err` (one line per problem) and exit: 2 for what the user can fix in flags, config or environment. */
function fail(err: unknown): never {
  const lines = (err as Error).message.split('\n').map((line) => `ftpkit: ${line}`);
  process.stderr.write(`${lines.join('\n')}${err instanceof UsageError ? ' (see ftpkit --help)' : ''}\n`);
  process.exit(err instanceof UsageError || err instanceof StartupError ? 2 : 1);
}

/**
 * Run the program: parse flags, start, print the address, reload users and certificates
 * on SIGHUP, stop cleanly on SIGINT/SIGTERM.
 */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'hash-password') {
    process.exitCode = await hashPasswordCommand(argv.slice(1));
    return;
  }
  let flags: Flags | 'help' | 'version';
  let config: CliConfig;
  try {
    flags = parseCommandLine(argv);
    if (flags === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    if (flags === 'version') {
      process.stdout.write(`ftpkit ${VERSION}\n`);
      return;
    }
    config = await loadConfig(flags);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof StartupError)) throw err;
    fail(err);
  }
  let running: Pick<Running, 'address' | 'close' | 'metricsUrl' | 'adminUrl'> | undefined;
  try {
    const given = flags;
    if (config.workers > 1) {
      running = await startWorkers(config, given);
    } else {
      const single = await startFromConfig(config);
      reloadOnSighup(() => loadConfig(given), single.reload, single.logger);
      running = single;
    }
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
  if (config.proxyProtocol) lines.push(`PROXY protocol headers required from ${config.proxyProtocol.trusted.join(', ')}`);
  if (started.metricsUrl) lines.push(`metrics on ${started.metricsUrl}`);
  if (started.adminUrl) lines.push(`admin dashboard on ${started.adminUrl} (API under ${started.adminUrl}api/)`);
  if (config.demo) lines.push('login: user "demo", password "demo"');
  if (config.anonymous) lines.push('anonymous logins allowed (read-only)');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing\n`);
    started.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
