/**
 * The settings in force: defaults, then the config file, then the flags. Also the
 * checks the schema cannot express (port ranges, unique user names), each naming the
 * key and its line.
 */
import { FULL_ACCESS, NO_ACCESS, READ_ONLY, WRITE_ONLY, type DefenderOptions, type PathRule, type Permissions, type PortRange, type ProxyProtocolOptions } from '@ftpkit/core';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolveFsPath } from 'node:path';
import { DEMO_USER, parsePortRange, UsageError, type BackendConfig, type Flags, type LogLevel, type XferlogFormat } from '../args.js';
import { adminOf, type AdminConfig } from './admin.js';
import type { LoadedConfig } from './file.js';
import { combineProblems, type JsonPath } from './json-source.js';
import type { FileConfig, PermissionsValue, StorageFileConfig, TlsFileConfig, UserFileConfig } from './types.js';
import { secretOf, type SecretUser } from '../secrets.js';
import { parseSize } from './units.js';
import { isPasswordHash } from '../password.js';
import { leftoverSettings } from './leftovers.js';
import { defenderOf } from './defender.js';
import { proxyProtocolOf } from './proxy.js';
import { stateOf, type StateConfig } from './state.js';

export type { StateConfig } from './state.js';

/** A user of the server, fully resolved. */
export interface UserConfig {
  name: string;
  /** An scrypt hash (config file) or a plain password (`--user`). */
  secret: { hash: string } | { plain: string };
  /** The storage this user's root lives in. */
  backend: BackendConfig;
  /** Directory of `backend` that is the user's `/`; `/` for all of it. */
  root: string;
  home?: string;
  /** The user's permissions outside any per-directory rule. */
  permissions: Permissions;
  /** Per-directory rules, deepest match wins. */
  rules: PathRule[];
  quota: { maxBytes?: number; maxFileSize?: number };
  /** Bytes per second: per user (all sessions together) and per session. */
  bandwidth: { upload?: number; download?: number; sessionUpload?: number; sessionDownload?: number };
}

/** Everything the program runs with. */
export interface CliConfig {
  host: string;
  port: number;
  /** The server's storage: anonymous users and users without one of their own. */
  backend: BackendConfig;
  users: UserConfig[];
  anonymous: boolean;
  readOnly: boolean;
  /** With `advertisedOffset` from `--passive-port-offset` / `passivePortOffset`. */
  passivePorts?: PortRange;
  publicHost?: string;
  /** Balancers whose PROXY headers are honoured; timeout in milliseconds. */
  proxyProtocol?: ProxyProtocolOptions;
  logLevel: LogLevel;
  /** True when no user was given: the demo login is used and printed. */
  demo: boolean;
  /** FTPS settings, passed through to the server's `tls` option. */
  tls?: TlsFileConfig;
  /** Connection limits; timeouts in milliseconds. */
  limits: { maxConnections?: number; maxConnectionsPerIp?: number; maxSessionsPerUser?: number; loginTimeout?: number; idleTimeout?: number };
  /** Where the limits' state lives; times in milliseconds. */
  state: StateConfig;
  /** The 220 banner, when not the library's default. */
  greeting?: string;
  /** The server's `defender` option (milliseconds), when the file sets any of it. */
  defender?: DefenderOptions;
  /** Milliseconds running transfers get on SIGINT/SIGTERM. */
  shutdownTimeout: number;
  xferlog?: { file: string; format: XferlogFormat };
  metrics?: { host: string; port: number };
  /** The admin API and dashboard. */
  admin?: AdminConfig;
  /** Processes serving (node:cluster); 1 serves from this process. */
  workers: number;
  /** Who deals control connections to the workers (see `startCluster`'s `scheduling`). */
  workerScheduling: 'round-robin' | 'os';
}

const PRESETS: Record<Exclude<PermissionsValue, object>, Permissions> = {
  full: FULL_ACCESS,
  'read-only': READ_ONLY,
  'write-only': WRITE_ONLY,
  none: NO_ACCESS,
};

function permissionsOf(value: PermissionsValue | undefined, base: Permissions): Permissions {
  if (value === undefined) return { ...base };
  return typeof value === 'string' ? { ...PRESETS[value] } : { ...base, ...value };
}

function storageOf(storage: StorageFileConfig, baseDir: string): BackendConfig {
  switch (storage.type) {
    case 'memory':
      return { kind: 'memory' };
    case 'local':
      return {
        kind: 'local',
        root: resolveFsPath(baseDir, storage.root),
        ...(storage.uploadPolicy ? { uploadPolicy: storage.uploadPolicy } : {}),
        ...leftoverSettings(storage),
        ...(storage.fsync !== undefined ? { fsync: storage.fsync } : {}),
      };
    case 's3': {
      const { type: _type, forcePathStyle, staleUploadAge: _age, sweepInterval: _interval, ...rest } = storage;
      return { kind: 's3', ...rest, forcePathStyle: forcePathStyle ?? false, ...leftoverSettings(storage) };
    }
  }
}

/** What {@link resolveConfig} takes besides the flags and the file. */
export interface ResolveContext {
  /** Users with secrets from the environment or a users file (`FTPKIT_USERS`, `--users-file`). */
  secretUsers?: readonly SecretUser[];
  /** The environment secrets are read from (the admin token). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Merge defaults, the config file (if any), the users with secrets from the environment
 * or a users file, the environment and the flags. Throws one {@link UsageError} listing
 * every problem found.
 */
export function resolveConfig(flags: Flags, loaded?: LoadedConfig, { secretUsers = [], env = process.env }: ResolveContext = {}): CliConfig {
  const file = loaded?.config ?? {};
  const at = (path: JsonPath, message: string) => loaded!.source.errorAt(path, message);
  // Relative paths in the file are relative to the file itself.
  const baseDir = loaded ? dirname(resolveFsPath(loaded.source.file)) : process.cwd();
  const problems: UsageError[] = [];
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      problems.push(err);
      return undefined;
    }
  };

  let passivePorts: PortRange | undefined = flags.passivePorts;
  if (!passivePorts && file.passivePorts !== undefined) {
    const range = file.passivePorts;
    if (typeof range === 'string') {
      passivePorts = attempt(() => {
        try {
          return parsePortRange(range, 'passivePorts');
        } catch {
          throw at(['passivePorts'], `must be MIN-MAX within 1-65535, got "${range}"`);
        }
      });
    } else if (range.min < 1 || range.min > range.max) {
      problems.push(at(['passivePorts'], 'must satisfy 1 <= min <= max'));
    } else {
      passivePorts = range;
    }
  }

  const offset = flags.passivePortOffset ?? file.passivePortOffset;
  if (offset !== undefined && offset !== 0) {
    const where = flags.passivePortOffset !== undefined ? '--passive-port-offset' : 'passivePortOffset';
    if (!passivePorts) problems.push(new UsageError(`${where} needs a passive port range (--passive-ports)`));
    else if (passivePorts.min + offset < 1 || passivePorts.max + offset > 65535) {
      problems.push(new UsageError(`${where} ${offset} moves the passive ports ${passivePorts.min}-${passivePorts.max} outside 1-65535`));
    } else passivePorts = { ...passivePorts, advertisedOffset: offset };
  }
  const proxyProtocol = attempt(() => proxyProtocolOf(flags, file, at));

  const backend = flags.backend ?? (file.storage ? storageOf(file.storage, baseDir) : { kind: 'memory' });
  const fileUsers = (file.users ?? []).map((user, index) => attempt(() => userOf(user, index, backend, baseDir, at)));
  const seen = new Map<string, number>();
  fileUsers.forEach((user, index) => {
    if (!user) return;
    if (seen.has(user.name)) problems.push(at(['users', index, 'name'], `user "${user.name}" is already defined at users[${seen.get(user.name)}]`));
    seen.set(user.name, index);
  });
  // FTPKIT_USERS, --users-file and --user add users, replacing file users of the same name.
  const flagUsers = [
    ...secretUsers.map((u) => secretUser(u.name, u.secret, backend)),
    ...flags.users.map((u) => secretUser(u.name, { plain: u.password }, backend)),
  ];
  const users = [...fileUsers.filter((u) => u && !flagUsers.some((f) => f.name === u.name)), ...flagUsers] as UserConfig[];
  const anonymous = flags.anonymous ?? file.anonymous ?? false;
  const demo = users.length === 0 && !anonymous;

  const xferlogFile = flags.xferlog ?? (file.log?.xferlog !== undefined ? resolveFsPath(baseDir, file.log.xferlog) : undefined);
  const metricsPort = flags.metricsPort ?? file.metrics?.port;
  const limits = file.limits ?? {};
  const tls = attempt(() => tlsOf(flags, file, baseDir, at));
  const defender = file.defender && attempt(() => defenderOf(file.defender!, at));
  const workers = flags.workers ?? file.workers ?? 1;
  if (workers > 1) attempt(() => checkWorkers(workers, backend, users, passivePorts));
  const state = attempt(() => stateOf(flags, file, baseDir, at));
  const admin = attempt(() => adminOf(flags, file, baseDir, env, at));
  // The primary holds no sessions; each worker would need an admin port of its own.
  if (workers > 1 && admin) problems.push(new UsageError('--workers cannot serve the admin API yet: run it with one process'));
  if (problems.length) throw combineProblems(problems);

  return {
    host: flags.host ?? file.host ?? '127.0.0.1',
    port: flags.port ?? file.port ?? 2121,
    backend,
    users: demo ? [secretUser(DEMO_USER.name, { plain: DEMO_USER.password }, backend)] : users,
    anonymous,
    readOnly: flags.readOnly ?? file.readOnly ?? false,
    workers,
    workerScheduling: flags.workerScheduling ?? file.workerScheduling ?? 'round-robin',
    logLevel: flags.logLevel ?? file.log?.level ?? 'info',
    state: state!, // set unless a problem was thrown above
    demo,
    limits: {
      ...(limits.maxConnections !== undefined ? { maxConnections: limits.maxConnections } : {}),
      ...(limits.maxConnectionsPerIp !== undefined ? { maxConnectionsPerIp: limits.maxConnectionsPerIp } : {}),
      ...(limits.maxSessionsPerUser !== undefined ? { maxSessionsPerUser: limits.maxSessionsPerUser } : {}),
      ...(limits.loginTimeout !== undefined ? { loginTimeout: limits.loginTimeout * 1000 } : {}),
      ...(limits.idleTimeout !== undefined ? { idleTimeout: limits.idleTimeout * 1000 } : {}),
    },
    shutdownTimeout: (file.shutdownTimeout ?? 5) * 1000,
    ...(file.greeting !== undefined ? { greeting: file.greeting } : {}),
    ...(defender ? { defender } : {}),
    ...(passivePorts ? { passivePorts } : {}),
    ...(proxyProtocol ? { proxyProtocol } : {}),
    ...((flags.publicHost ?? file.publicHost) !== undefined ? { publicHost: flags.publicHost ?? file.publicHost } : {}),
    ...(tls ? { tls } : {}),
    ...(xferlogFile ? { xferlog: { file: xferlogFile, format: flags.xferlogFormat ?? file.log?.xferlogFormat ?? 'xferlog' } } : {}),
    ...(metricsPort !== undefined ? { metrics: { port: metricsPort, host: flags.metricsHost ?? file.metrics?.host ?? '127.0.0.1' } } : {}),
    ...(admin ? { admin } : {}),
  };
}

/** What serving from several processes needs; each refusal is one {@link UsageError}. */
function checkWorkers(
  workers: number,
  backend: BackendConfig,
  users: UserConfig[],
  passivePorts: PortRange | undefined,
): void {
  if (backend.kind === 'memory' || users.some((u) => u.backend.kind === 'memory')) {
    throw new UsageError('--workers needs --root or --s3-bucket: each worker process would have its own in-memory files');
  }
  // A data connection must reach the worker that announced its port.
  if (!passivePorts || passivePorts.max - passivePorts.min + 1 < workers) {
    throw new UsageError(`--workers ${workers} needs --passive-ports with at least ${workers} ports: each worker owns a slice`);
  }
}

function secretUser(name: string, secret: UserConfig['secret'], backend: BackendConfig): UserConfig {
  return { name, secret, backend, root: '/', permissions: { ...FULL_ACCESS }, rules: [], quota: {}, bandwidth: {} };
}

function userOf(
  user: UserFileConfig,
  index: number,
  serverBackend: BackendConfig,
  baseDir: string,
  at: (path: JsonPath, message: string) => Error,
): UserConfig {
  const size = (key: 'quota' | 'bandwidth', field: string, value: number | string | undefined) => {
    if (value === undefined) return undefined;
    const bytes = parseSize(value);
    if (bytes === undefined) throw at(['users', index, key, field], `not a size: ${JSON.stringify(value)}`);
    if (key === 'bandwidth' && bytes === 0) throw at(['users', index, key, field], 'a bandwidth limit must be above 0');
    return bytes;
  };
  const secret = userSecret(user, index, baseDir, at);
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    name: user.name,
    secret,
    backend: user.storage ? storageOf(user.storage, baseDir) : serverBackend,
    root: user.root ?? '/',
    ...(user.home ? { home: user.home } : {}),
    permissions: permissionsOf(user.permissions, FULL_ACCESS),
    rules: (user.directories ?? []).map((rule) => ({
      path: rule.path,
      permissions: typeof rule.permissions === 'string' ? PRESETS[rule.permissions] : rule.permissions,
    })),
    quota: defined({ maxBytes: size('quota', 'maxBytes', user.quota?.maxBytes), maxFileSize: size('quota', 'maxFileSize', user.quota?.maxFileSize) }),
    bandwidth: defined({
      upload: size('bandwidth', 'upload', user.bandwidth?.upload),
      download: size('bandwidth', 'download', user.bandwidth?.download),
      sessionUpload: size('bandwidth', 'sessionUpload', user.bandwidth?.sessionUpload),
      sessionDownload: size('bandwidth', 'sessionDownload', user.bandwidth?.sessionDownload),
    }),
  };
}

/**
 * A file user's password: `password` (an scrypt hash; plain text is refused in the
 * config file) or `passwordFile` (hash or plain text, kept out of the config file).
 */
function userSecret(user: UserFileConfig, index: number, baseDir: string, at: (path: JsonPath, message: string) => Error): UserConfig['secret'] {
  if (user.password !== undefined && user.passwordFile !== undefined) throw at(['users', index, 'passwordFile'], 'give "password" or "passwordFile", not both');
  if (user.passwordFile !== undefined) {
    const file = resolveFsPath(baseDir, user.passwordFile);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw at(['users', index, 'passwordFile'], `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    // Secret files written with `echo` end with a newline that is no part of the password.
    const password = text.replace(/\r?\n$/, '');
    if (!password) throw at(['users', index, 'passwordFile'], `${file} is empty`);
    return secretOf(password);
  }
  if (user.password === undefined) throw at(['users', index], 'missing required key "password"');
  if (!isPasswordHash(user.password)) throw at(['users', index, 'password'], 'not an scrypt hash: make one with `ftpkit hash-password`');
  return { hash: user.password };
}

/** Why a PEM file cannot be used, or undefined when it can: checked at start, not at the first AUTH TLS. */
function pemProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return text.includes('-----BEGIN ') ? undefined : `${file} is not a PEM file`;
}

/** FTPS settings: the file's `tls` block with the `--tls-*` flags laid over it; every file must be readable PEM. */
function tlsOf(flags: Flags, file: FileConfig, baseDir: string, at: (path: JsonPath, message: string) => UsageError): TlsFileConfig | undefined {
  const fromFile = file.tls && {
    ...file.tls,
    certFile: resolveFsPath(baseDir, file.tls.certFile),
    keyFile: resolveFsPath(baseDir, file.tls.keyFile),
    ...(file.tls.caFile ? { caFile: resolveFsPath(baseDir, file.tls.caFile) } : {}),
  };
  const certFile = flags.tlsCertFile ?? fromFile?.certFile;
  const keyFile = flags.tlsKeyFile ?? fromFile?.keyFile;
  if (!certFile || !keyFile) {
    if (flags.implicitTls || flags.requireTls) {
      throw new UsageError(`${flags.implicitTls ? '--implicit-tls' : '--require-tls'} needs --tls-cert and --tls-key`);
    }
    return undefined;
  }
  const problems: UsageError[] = [];
  const check = (path: string, flag: string | undefined, key: 'certFile' | 'keyFile' | 'caFile') => {
    const problem = pemProblem(path);
    if (problem) problems.push(flag ? new UsageError(`${flag}: ${problem}`) : at(['tls', key], problem));
  };
  check(certFile, flags.tlsCertFile && '--tls-cert', 'certFile');
  check(keyFile, flags.tlsKeyFile && '--tls-key', 'keyFile');
  if (fromFile?.caFile) check(fromFile.caFile, undefined, 'caFile');
  if (problems.length) throw combineProblems(problems);
  return {
    ...fromFile,
    certFile,
    keyFile,
    ...(flags.implicitTls !== undefined ? { implicit: flags.implicitTls } : {}),
    ...(flags.requireTls !== undefined ? { requireTls: flags.requireTls, requireProtectedData: flags.requireTls } : {}),
  };
}
