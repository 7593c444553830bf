/** The shape of `ftpkit.json`, as described by `ftpkit.schema.json`. */

/** Bytes: an integer or a string with a unit (`"512KiB"`, `"10MB"`). */
export type SizeValue = number | string;

export type PermissionsValue =
  | 'full'
  | 'read-only'
  | 'write-only'
  | 'none'
  | Partial<Record<'list' | 'read' | 'write' | 'append' | 'delete' | 'rename' | 'mkdir' | 'rmdir' | 'chmod' | 'setTime', boolean>>;

export type StorageFileConfig =
  | { type: 'memory' }
  | { type: 'local'; root: string; uploadPolicy?: 'atomic' | 'in-place' }
  | { type: 's3'; bucket: string; prefix?: string; endpoint?: string; region?: string; forcePathStyle?: boolean };

export interface UserFileConfig {
  name: string;
  /** An scrypt hash made by `ftpkit hash-password`. */
  password: string;
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

export interface FileConfig {
  host?: string;
  port?: number;
  publicHost?: string;
  passivePorts?: string | { min: number; max: number };
  storage?: StorageFileConfig;
  anonymous?: boolean;
  readOnly?: boolean;
  tls?: TlsFileConfig;
  limits?: { maxConnections?: number; maxConnectionsPerIp?: number; maxSessionsPerUser?: number; loginTimeout?: number; idleTimeout?: number };
  /** Shared state: Redis, failure policy, lease TTL (seconds). */
  state?: StateFileConfig;
  log?: { level?: 'silent' | 'error' | 'warn' | 'info' | 'debug'; xferlog?: string; xferlogFormat?: 'xferlog' | 'json' };
  metrics?: { port: number; host?: string };
  /** Processes to serve from (node:cluster). */
  workers?: number;
  /** Who deals control connections to the workers. */
  workerScheduling?: 'round-robin' | 'os';
  users?: UserFileConfig[];
}
