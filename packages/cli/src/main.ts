/** Entry point of the `ftpkit` program. */
import { FtpServer, pathPermissions } from '@ftpkit/core';
import { parseCommandLine, USAGE, UsageError, type Flags } from './args.js';
import { describeBackend, Storages } from './backend.js';
import { loadConfigFile } from './config/file.js';
import { resolveConfig, type CliConfig } from './config/resolve.js';
import { hashPasswordCommand } from './hash-password.js';
import { createLogger } from './logger.js';
import { createMetrics, serveMetrics } from './metrics.js';
import { UserDirectory } from './users.js';
import { attachXferlog } from './xferlog.js';

/** The settings for `flags`: the config file they name (if any) overridden by the flags. */
export async function loadConfig(flags: Flags): Promise<CliConfig> {
  return resolveConfig(flags, flags.config ? await loadConfigFile(flags.config) : undefined);
}

/** A started program: the FTP server and, when asked for, the metrics endpoint. */
export interface Running {
  server: FtpServer;
  /** `http://host:port/metrics`, when metrics are served. */
  metricsUrl?: string;
  /** Stop the metrics endpoint and the server (running transfers get `timeout` ms). */
  close(timeout?: number): Promise<void>;
}

/** Build and start the server `config` describes; resolves once it is listening. */
export async function startFromConfig(config: CliConfig): Promise<Running> {
  const storages = new Storages(config.demo);
  // Fail at startup, not at the first login, when a storage is unusable.
  await storages.get(config.backend);
  for (const user of config.users) await storages.get(user.backend, user.root);
  const users = new UserDirectory(config, storages);
  const server = new FtpServer({
    host: config.host,
    port: config.port,
    anonymous: config.anonymous,
    authenticate: users.authenticate,
    logger: createLogger(config.logLevel),
    ...config.limits,
    ...(config.passivePorts ? { passivePorts: config.passivePorts } : {}),
    ...(config.publicHost ? { publicHost: config.publicHost } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
  });
  server.use(pathPermissions(users.policyOf));
  if (config.xferlog) {
    await attachXferlog(server, config.xferlog.file, config.xferlog.format).catch((err: Error) => {
      throw new UsageError(`cannot open xferlog ${config.xferlog!.file}: ${err.message}`);
    });
  }
  const metrics = config.metrics ? await serveMetrics(createMetrics(server), config.metrics.host, config.metrics.port) : undefined;
  try {
    await server.listen();
  } catch (err) {
    metrics?.server.close();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  const where = metrics?.address;
  return {
    server,
    ...(where ? { metricsUrl: `http://${where.address.includes(':') ? `[${where.address}]` : where.address}:${where.port}/metrics` } : {}),
    async close(timeout = 5000) {
      metrics?.server.close();
      await server.close({ timeout });
    },
  };
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
  let running: Running;
  try {
    running = await startFromConfig(config);
  } catch (err) {
    fail(err);
  }
  const { address, port } = running.server.address!;
  const host = address.includes(':') ? `[${address}]` : address;
  // One write, so that a reader sees the whole startup message at once.
  const scheme = config.tls?.implicit ? 'ftps' : 'ftp';
  const lines = [`ftpkit listening on ${scheme}://${host}:${port} (${describeBackend(config.backend)})`];
  if (config.tls) {
    lines.push(config.tls.implicit ? 'implicit FTPS: TLS from the first byte' : 'explicit FTPS available (AUTH TLS)');
    if (config.tls.requireTls) lines.push('TLS required for logins and data');
  }
  if (running.metricsUrl) lines.push(`metrics on ${running.metricsUrl}`);
  if (config.demo) lines.push('login: user "demo", password "demo"');
  if (config.anonymous) lines.push('anonymous logins allowed (read-only)');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing\n`);
    running.close(5000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
