/** The shape of `ftpkit.json`, as described by `ftpkit.schema.json`. */
import type { DefenderOptions } from '@ftpkit/core';
import type { S3Preset } from '@ftpkit/fs-s3/presets';

/** Bytes: an integer or a string with a unit (`"512KiB"`, `"10MB"`). */
export type SizeValue = number | string;

/** A permission preset name, or flags where missing ones are allowed. */
export type PermissionsValue =
  | 'full'
  | 'read-only'
  | 'write-only'
  | 'none'
  | Partial<Record<'list' | 'read' | 'write' | 'append' | 'delete' | 'rename' | 'mkdir' | 'rmdir' | 'chmod' | 'setTime', boolean>>;

/** Cleaning up after crashed uploads, in seconds; 0 turns a part off. */
export interface LeftoverFileConfig {
  staleUploadAge?: number;
  sweepInterval?: number;
}

/** A storage as written in the file (`storage`, or a user's own). */
export type StorageFileConfig =
  | { type: 'memory' }
  | ({ type: 'local'; root: string; uploadPolicy?: 'atomic' | 'in-place'; fsync?: boolean } & LeftoverFileConfig)
  | ({
      type: 's3';
      bucket: string;
      prefix?: string;
      endpoint?: string;
      region?: string;
      forcePathStyle?: boolean;
      preset?: S3Preset;
      resumableUploads?: boolean;
    } & LeftoverFileConfig);

/** One entry of `users`. */
export interface UserFileConfig {
  name: string;
  /** An scrypt hash made by `ftpkit hash-password`. */
  password?: string;
  /** A file holding the password (scrypt hash or plain text); instead of `password`. */
  passwordFile?: string;
  root?: string;
  storage?: StorageFileConfig;
  home?: string;
  permissions?: PermissionsValue;
  directories?: { path: string; permissions: PermissionsValue }[];
  quota?: { maxBytes?: SizeValue; maxFileSize?: SizeValue };
  bandwidth?: { upload?: SizeValue; download?: SizeValue; sessionUpload?: SizeValue; sessionDownload?: SizeValue };
}

/** TLS settings, passed through to the server's `tls` option. */
export interface TlsFileConfig {
  certFile: string;
  keyFile: string;
  caFile?: string;
  implicit?: boolean;
  implicitPort?: number;
  requireTls?: boolean;
  requireProtectedData?: boolean;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** The `state` block: where the limits' state lives. */
export interface StateFileConfig {
  redis?: string;
  redisPasswordFile?: string;
  prefix?: string;
  failurePolicy?: 'closed' | 'open';
  leaseTtl?: number;
  timeout?: number;
}

/**
 * The failed-login defender and address lists: the keys of the library's
 * `DefenderOptions`, with durations in seconds instead of milliseconds.
 */
export type DefenderFileConfig = DefenderOptions;

/** The whole of `ftpkit.json`. */
export interface FileConfig {
  host?: string;
  port?: number;
  publicHost?: string;
  passivePorts?: string | { min: number; max: number };
  /** Added to passive ports in PASV/EPSV replies (a Kubernetes NodePort, a port-shifting NAT). */
  passivePortOffset?: number;
  /** PROXY protocol from these balancers; `timeout` in seconds. */
  proxyProtocol?: { trusted: string[]; timeout?: number };
  storage?: StorageFileConfig;
  anonymous?: boolean;
  readOnly?: boolean;
  tls?: TlsFileConfig;
  greeting?: string;
  limits?: { maxConnections?: number; maxConnectionsPerIp?: number; maxSessionsPerUser?: number; loginTimeout?: number; idleTimeout?: number };
  defender?: DefenderFileConfig;
  /** Seconds running transfers get on SIGINT/SIGTERM. */
  shutdownTimeout?: number;
  /** Shared state: Redis, failure policy, lease TTL (seconds). */
  state?: StateFileConfig;
  log?: { level?: 'silent' | 'error' | 'warn' | 'info' | 'debug'; xferlog?: string; xferlogFormat?: 'xferlog' | 'json' };
  metrics?: { port: number; host?: string };
  /** The admin API and dashboard; the token from `token`, `tokenFile` or FTPKIT_ADMIN_TOKEN. */
  admin?: { port: number; host?: string; token?: string; tokenFile?: string };
  /** Processes to serve from (node:cluster). */
  workers?: number;
  /** Who deals control connections to the workers. */
  workerScheduling?: 'round-robin' | 'os';
  users?: UserFileConfig[];
}
