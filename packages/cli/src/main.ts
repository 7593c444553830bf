/** Entry point of the `ftpkit` program. */
import { AuthError, FtpServer, READ_ONLY, type AuthResult, type FileSystem } from '@ftpkit/core';
import { timingSafeEqual } from 'node:crypto';
import { parseCommandLine, USAGE, UsageError, type CliConfig } from './args.js';
import { createFileSystem, describeBackend } from './backend.js';
import { createLogger } from './logger.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `authenticate` hook for the users given on the command line. */
export function userAuthenticator(config: CliConfig, fs: FileSystem) {
  return ({ username, password, anonymous }: { username: string; password: string; anonymous: boolean }): AuthResult => {
    if (anonymous) return { fs, permissions: READ_ONLY };
    const user = config.users.find((u) => u.name === username);
    if (!user || !sameSecret(user.password, password)) throw new AuthError('Login incorrect.');
    return config.readOnly ? { fs, permissions: READ_ONLY } : { fs };
  };
}

/** Build and start the server the flags describe; resolves with it once listening. */
export async function startFromConfig(config: CliConfig): Promise<FtpServer> {
  const fs = await createFileSystem(config.backend);
  const log = createLogger(config.logLevel);
  const server = new FtpServer({
    host: config.host,
    port: config.port,
    anonymous: config.anonymous,
    authenticate: userAuthenticator(config, fs),
    ...(config.passivePorts ? { passivePorts: config.passivePorts } : {}),
    ...(config.publicHost ? { publicHost: config.publicHost } : {}),
  });
  server.on('login', (s) => log.info(`login ${s.user?.username} from ${s.remoteAddress}`));
  server.on('login-failed', ({ session, username }) => log.warn(`failed login ${username} from ${session.remoteAddress}`));
  server.on('transfer-end', (t) =>
    log.info(`${t.command} ${t.path} ${t.result.status} ${t.result.bytes} bytes ${t.result.durationMs} ms (${t.session.user?.username})`),
  );
  server.on('error', (err) => log.error(err.message));
  try {
    await server.listen();
  } catch (err) {
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  return server;
}

/** Run the program: parse flags, start, print the address, stop cleanly on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  let config: CliConfig | 'help';
  try {
    config = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`ftpkit: ${err.message} (see ftpkit --help)\n`);
    process.exit(2);
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let server: FtpServer;
  try {
    server = await startFromConfig(config);
  } catch (err) {
    process.stderr.write(`ftpkit: ${(err as Error).message}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
  const { address, port } = server.address!;
  const host = address.includes(':') ? `[${address}]` : address;
  const lines = [`ftpkit listening on ftp://${host}:${port} (${describeBackend(config.backend)})`];
  if (config.demo) lines.push('login: user "demo", password "demo"');
  if (config.anonymous) lines.push('anonymous logins allowed (read-only)');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing\n`);
    server.close({ timeout: 5000 }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
