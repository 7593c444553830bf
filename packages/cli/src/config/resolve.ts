/**
 * The settings in force: defaults, then the config file, then the flags. Also the
 * checks the schema cannot express (port ranges, unique user names), each naming the
 * key and its line.
 */
import { FULL_ACCESS, NO_ACCESS, READ_ONLY, WRITE_ONLY, type PathRule, type Permissions } from '@ftpkit/core';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolveFsPath } from 'node:path';
import { DEMO_USER, parsePortRange, UsageError, type BackendConfig, type Flags, type LogLevel, type XferlogFormat } from '../args.js';
import type { LoadedConfig } from './file.js';
import type { JsonPath } from './json-source.js';
import type { FileConfig, PermissionsValue, StorageFileConfig, TlsFileConfig, UserFileConfig } from './types.js';
import { parseSize } from './units.js';
import { isPasswordHash } from '../password.js';

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

/** The shared-state settings, resolved. */
export interface StateConfig {
  /** A Redis every node shares; without it, this process (or the cluster primary). */
  redis?: { url: string; password?: string; prefix?: string };
  failurePolicy?: 'closed' | 'open';
  leaseTtl?: number;
  timeout?: number;
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
  passivePorts?: { min: number; max: number };
  publicHost?: string;
  logLevel: LogLevel;
  /** True when no user was given: the demo login is used and printed. */
  demo: boolean;
  /** FTPS settings, passed through to the server's `tls` option. */
  tls?: TlsFileConfig;
  /** Connection limits; timeouts in milliseconds. */
  limits: { maxConnections?: number; maxConnectionsPerIp?: number; maxSessionsPerUser?: number; loginTimeout?: number; idleTimeout?: number };
  /** Where the limits' state lives; times in milliseconds. */
  state: StateConfig;
  xferlog?: { file: string; format: XferlogFormat };
  metrics?: { host: string; port: number };
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
      return { kind: 'local', root: resolveFsPath(baseDir, storage.root), ...(storage.uploadPolicy ? { uploadPolicy: storage.uploadPolicy } : {}) };
    case 's3': {
      const { type: _type, forcePathStyle, ...rest } = storage;
      return { kind: 's3', ...rest, forcePathStyle: forcePathStyle ?? false };
    }
  }
}

/** Merge defaults, the config file (if any) and the flags. */
export function resolveConfig(flags: Flags, loaded?: LoadedConfig): CliConfig {
  const file = loaded?.config ?? {};
  const at = (path: JsonPath, message: string) => loaded!.source.errorAt(path, message);
  // Relative paths in the file are relative to the file itself.
  const baseDir = loaded ? dirname(resolveFsPath(loaded.source.file)) : process.cwd();

  let passivePorts = flags.passivePorts;
  if (!passivePorts && file.passivePorts !== undefined) {
    const range = file.passivePorts;
    if (typeof range === 'string') {
      try {
        passivePorts = parsePortRange(range, 'passivePorts');
      } catch (err) {
        throw at(['passivePorts'], `must be MIN-MAX within 1-65535, got "${range}"`);
      }
    } else if (range.min < 1 || range.min > range.max) {
      throw at(['passivePorts'], 'must satisfy 1 <= min <= max');
    } else {
      passivePorts = range;
    }
  }

  const backend = flags.backend ?? (file.storage ? storageOf(file.storage, baseDir) : { kind: 'memory' });
  const fileUsers = (file.users ?? []).map((user, index) => userOf(user, index, backend, baseDir, at));
  const seen = new Map<string, number>();
  fileUsers.forEach((user, index) => {
    if (seen.has(user.name)) throw at(['users', index, 'name'], `user "${user.name}" is already defined at users[${seen.get(user.name)}]`);
    seen.set(user.name, index);
  });
  // --user adds users, replacing a file user of the same name.
  const flagUsers = flags.users.map((u) => plainUser(u.name, u.password, backend));
  const users = [...fileUsers.filter((u) => !flagUsers.some((f) => f.name === u.name)), ...flagUsers];
  const anonymous = flags.anonymous ?? file.anonymous ?? false;
  const demo = users.length === 0 && !anonymous;

  const xferlogFile = flags.xferlog ?? (file.log?.xferlog !== undefined ? resolveFsPath(baseDir, file.log.xferlog) : undefined);
  const metricsPort = flags.metricsPort ?? file.metrics?.port;
  const limits = file.limits ?? {};
  const tls = tlsOf(flags, file, baseDir);
  const workers = flags.workers ?? file.workers ?? 1;
  if (workers > 1) checkWorkers(workers, backend, users, passivePorts);

  return {
    host: flags.host ?? file.host ?? '127.0.0.1',
    port: flags.port ?? file.port ?? 2121,
    backend,
    users: demo ? [plainUser(DEMO_USER.name, DEMO_USER.password, backend)] : users,
    anonymous,
    readOnly: flags.readOnly ?? file.readOnly ?? false,
    workers,
    workerScheduling: flags.workerScheduling ?? file.workerScheduling ?? 'round-robin',
    logLevel: flags.logLevel ?? file.log?.level ?? 'info',
    state: stateOf(flags, file, baseDir, at),
    demo,
    limits: {
      ...(limits.maxConnections !== undefined ? { maxConnections: limits.maxConnections } : {}),
      ...(limits.maxConnectionsPerIp !== undefined ? { maxConnectionsPerIp: limits.maxConnectionsPerIp } : {}),
      ...(limits.maxSessionsPerUser !== undefined ? { maxSessionsPerUser: limits.maxSessionsPerUser } : {}),
      ...(limits.loginTimeout !== undefined ? { loginTimeout: limits.loginTimeout * 1000 } : {}),
      ...(limits.idleTimeout !== undefined ? { idleTimeout: limits.idleTimeout * 1000 } : {}),
    },
    ...(passivePorts ? { passivePorts } : {}),
    ...((flags.publicHost ?? file.publicHost) !== undefined ? { publicHost: flags.publicHost ?? file.publicHost } : {}),
    ...(tls ? { tls } : {}),
    ...(xferlogFile ? { xferlog: { file: xferlogFile, format: flags.xferlogFormat ?? file.log?.xferlogFormat ?? 'xferlog' } } : {}),
    ...(metricsPort !== undefined ? { metrics: { port: metricsPort, host: flags.metricsHost ?? file.metrics?.host ?? '127.0.0.1' } } : {}),
  };
}

/** What serving from several processes needs; each refusal is one {@link UsageError}. */
function checkWorkers(
  workers: number,
  backend: BackendConfig,
  users: UserConfig[],
  passivePorts: { min: number; max: number } | undefined,
): void {
  if (backend.kind === 'memory' || users.some((u) => u.backend.kind === 'memory')) {
    throw new UsageError('--workers needs --root or --s3-bucket: each worker process would have its own in-memory files');
  }
  // A data connection must reach the worker that announced its port.
  if (!passivePorts || passivePorts.max - passivePorts.min + 1 < workers) {
    throw new UsageError(`--workers ${workers} needs --passive-ports with at least ${workers} ports: each worker owns a slice`);
  }
}

function plainUser(name: string, password: string, backend: BackendConfig): UserConfig {
  return { name, secret: { plain: password }, backend, root: '/', permissions: { ...FULL_ACCESS }, rules: [], quota: {}, bandwidth: {} };
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
  if (!isPasswordHash(user.password)) {
    throw at(['users', index, 'password'], 'not an scrypt hash: make one with `ftpkit hash-password`');
  }
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    name: user.name,
    secret: { hash: user.password },
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
 * The `state` block with `--redis` over it. The Redis password comes from
 * FTPKIT_REDIS_PASSWORD or `redisPasswordFile`: a password on the command line would
 * show in `ps` and shell histories, so `--redis` refuses one.
 */
function stateOf(flags: Flags, file: FileConfig, baseDir: string, at: (path: JsonPath, message: string) => Error): StateConfig {
  const block = file.state ?? {};
  if (flags.redis !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(flags.redis);
    } catch {
      // reported below
    }
    if (!parsed || !/^rediss?:$/.test(parsed.protocol)) throw new UsageError('--redis must be a redis:// or rediss:// URL');
    if (parsed.password) throw new UsageError('--redis: put the password in FTPKIT_REDIS_PASSWORD (or state.redisPasswordFile), not on the command line');
  }
  const url = flags.redis ?? block.redis;
  let password = process.env.FTPKIT_REDIS_PASSWORD || undefined;
  if (password === undefined && block.redisPasswordFile !== undefined) {
    try {
      password = readFileSync(resolveFsPath(baseDir, block.redisPasswordFile), 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw at(['state', 'redisPasswordFile'], `cannot read: ${(err as Error).message}`);
    }
  }
  return {
    ...(url !== undefined
      ? { redis: { url, ...(password !== undefined ? { password } : {}), ...(block.prefix !== undefined ? { prefix: block.prefix } : {}) } }
      : {}),
    ...(block.failurePolicy ? { failurePolicy: block.failurePolicy } : {}),
    ...(block.leaseTtl !== undefined ? { leaseTtl: block.leaseTtl * 1000 } : {}),
    ...(block.timeout !== undefined ? { timeout: block.timeout * 1000 } : {}),
  };
}

/** FTPS settings: the file's `tls` block with the `--tls-*` flags laid over it. */
function tlsOf(flags: Flags, file: FileConfig, baseDir: string): TlsFileConfig | undefined {
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
  return {
    ...fromFile,
    certFile,
    keyFile,
    ...(flags.implicitTls !== undefined ? { implicit: flags.implicitTls } : {}),
    ...(flags.requireTls !== undefined ? { requireTls: flags.requireTls, requireProtectedData: flags.requireTls } : {}),
  };
}
