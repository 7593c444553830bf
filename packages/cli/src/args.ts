/** Command-line flags of the `ftpkit` program: parsing and validation. */
import { parseArgs } from 'node:util';
// The presets alone, not the package's index: that would load the AWS SDK on every start.
import { S3_PRESETS, type S3Preset } from '@ftpkit/fs-s3/presets';

/** A bad command line or config file; printed as one line and the program exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where files are stored. */
export type BackendConfig =
  | { kind: 'memory' }
  | ({ kind: 'local'; root: string; uploadPolicy?: 'atomic' | 'in-place'; fsync?: boolean } & LeftoverSettings)
  | ({
      kind: 's3';
      bucket: string;
      prefix?: string;
      endpoint?: string;
      region?: string;
      forcePathStyle: boolean;
      /** Settings for an S3-compatible store (fs-s3's `preset`). */
      preset?: S3Preset;
      /** Keep interrupted uploads for a resume (fs-s3's `resumableUploads`, in this process). */
      resumableUploads?: boolean;
    } & LeftoverSettings);

/** How a storage cleans up after crashed uploads, in milliseconds; 0 turns a part off. */
export interface LeftoverSettings {
  /** Idle time after which a leftover upload is removed (the adapters' `staleUploadAge`). */
  staleUploadAge?: number;
  /** Time between two sweeps for leftovers (the adapters' `sweepInterval`). */
  sweepInterval?: number;
}

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const XFERLOG_FORMATS = ['xferlog', 'json'] as const;
export type XferlogFormat = (typeof XFERLOG_FORMATS)[number];
export const WORKER_SCHEDULINGS = ['round-robin', 'os'] as const;
export type WorkerScheduling = (typeof WORKER_SCHEDULINGS)[number];

/** The `--s3-preset` value, checked against fs-s3's presets. */
function s3Preset(name: string): S3Preset {
  if ((S3_PRESETS as readonly string[]).includes(name)) return name as S3Preset;
  throw new UsageError(`--s3-preset must be one of ${S3_PRESETS.join(', ')}, got "${name}"`);
}

/** What the flags say; absent fields leave the config file's value (or the default). */
export interface Flags {
  config?: string;
  host?: string;
  port?: number;
  backend?: BackendConfig;
  /** `--user NAME:PASSWORD`, plain passwords. */
  users: { name: string; password: string }[];
  /** `--users-file FILE`: `NAME:PASSWORD` lines, read at start and on SIGHUP. */
  usersFile?: string;
  anonymous?: boolean;
  readOnly?: boolean;
  passivePorts?: { min: number; max: number };
  /** `--passive-port-offset N`: added to passive ports in PASV/EPSV replies. */
  passivePortOffset?: number;
  publicHost?: string;
  /** `--proxy-protocol CIDR[,CIDR…]`: balancers whose PROXY headers are honoured. */
  proxyProtocol?: string[];
  logLevel?: LogLevel;
  xferlog?: string;
  xferlogFormat?: XferlogFormat;
  metricsPort?: number;
  metricsHost?: string;
  /** `--tls-cert`/`--tls-key`: PEM files for FTPS. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  implicitTls?: boolean;
  requireTls?: boolean;
  /** `--admin-*`: the admin API and dashboard. */
  adminPort?: number;
  adminHost?: string;
  adminToken?: string;
  adminTokenFile?: string;
  /** `--workers N`: serve from N processes (node:cluster). */
  workers?: number;
  /** `--worker-scheduling`: who deals control connections to the workers. */
  workerScheduling?: WorkerScheduling;
  /** `--redis URL`: share the limits' state with every node using this Redis. */
  redis?: string;
}

export const USAGE = `Usage: ftpkit [options]
       ftpkit hash-password          print the scrypt hash of a password read from stdin

  --config FILE             read settings from a JSON file (flags override it)
  --host ADDR               address to listen on (default 127.0.0.1)
  --port N                  port to listen on (default 2121)
  --memory                  serve an in-memory file system (default)
  --root DIR                serve the directory DIR
    --no-fsync                report uploads complete without flushing them to disk
                              (faster with many small files; lost on a power cut)
  --s3-bucket NAME          serve an S3 bucket
    --s3-prefix P             key prefix inside the bucket
    --s3-endpoint URL         S3-compatible endpoint (MinIO, R2, ...)
    --s3-region R             region (default from the AWS environment, else us-east-1)
    --s3-force-path-style     path-style requests (most S3-compatible servers)
    --s3-preset NAME          aws, minio (path-style), r2 or b2 (checksums only when required)
    --s3-resumable-uploads    keep an interrupted upload 24 h so REST+STOR/APPE continues it
  --user NAME:PASSWORD      add a user (repeatable); without any, a demo user is printed
  --users-file FILE         add the users of FILE, one NAME:PASSWORD per line (or
                            NAME:SCRYPT-HASH); also FTPKIT_USERS="NAME:PASSWORD ..."
  --anonymous               allow anonymous read-only logins
  --read-only               every user may only list and download
  --passive-ports MIN-MAX   passive data port range
  --passive-port-offset N   add N to passive ports in PASV/EPSV replies (clients reach
                            the node on shifted ports, e.g. a Kubernetes NodePort)
  --public-host HOST        address advertised in PASV replies
  --proxy-protocol CIDRS    comma-separated balancer addresses/CIDR blocks: connections
                            from them must start with a PROXY v1/v2 header naming the client
  --tls-cert FILE           TLS certificate chain (PEM): enables FTPS (AUTH TLS)
  --tls-key FILE            TLS private key (PEM)
  --implicit-tls            TLS from the first byte (implicit FTPS) on --port
  --require-tls             refuse logins and transfers without TLS (and PROT P)
  --log-level LEVEL         silent, error, warn, info (default) or debug
  --xferlog FILE            append one line per file transfer to FILE
  --xferlog-format FORMAT   xferlog (vsftpd/wu-ftpd lines, default) or json
  --metrics-port N          serve Prometheus metrics on http://127.0.0.1:N/metrics
  --metrics-host ADDR       address of the metrics endpoint (default 127.0.0.1)
  --admin-port N            serve the admin API and dashboard on http://127.0.0.1:N/
  --admin-host ADDR         address of the admin listener (default 127.0.0.1)
  --admin-token TOKEN       the admin API's Bearer token (or FTPKIT_ADMIN_TOKEN)
  --admin-token-file FILE   read the token from FILE
  --workers N               serve from N processes, one per core (default 1); needs
                            --root or --s3-bucket and --passive-ports with >= N ports
  --worker-scheduling WHO   round-robin (default: the primary deals connections evenly)
                            or os (each worker accepts itself: cheaper, less even)
  --redis URL               share bans, session caps, quotas and bandwidth limits with
                            every node using this Redis (redis:// or rediss://); the
                            password comes from FTPKIT_REDIS_PASSWORD, never from argv
  --version                 print the program's version
  --help                    show this help
`;

/** The login of the no-flags demo. */
export const DEMO_USER = { name: 'demo', password: 'demo' };

/** A port number, or a {@link UsageError} naming where it came from. */
export function parsePort(text: string, where: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`${where} must be a port number (0-65535), got "${text}"`);
  return Number(text);
}

/** `MIN-MAX` within 1-65535, or a {@link UsageError} naming where it came from. */
export function parsePortRange(text: string, where: string): { min: number; max: number } {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65535 || min > max) throw new UsageError(`${where} must be MIN-MAX within 1-65535, got "${text}"`);
  return { min, max };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * `--port -1` as `--port=-1`: parseArgs takes a value starting with `-` for an option
 * and calls it ambiguous; joined, the value reaches the flag's own check and message.
 */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z]/.test(arg) && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Parse argv (without node and the script); throws {@link UsageError}. */
export function parseCommandLine(argv: string[]): Flags | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        memory: { type: 'boolean' },
        root: { type: 'string' },
        'no-fsync': { type: 'boolean' },
        's3-bucket': { type: 'string' },
        's3-prefix': { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-region': { type: 'string' },
        's3-force-path-style': { type: 'boolean' },
        's3-preset': { type: 'string' },
        's3-resumable-uploads': { type: 'boolean' },
        user: { type: 'string', multiple: true },
        'users-file': { type: 'string' },
        anonymous: { type: 'boolean' },
        'read-only': { type: 'boolean' },
        'passive-ports': { type: 'string' },
        'public-host': { type: 'string' },
        'passive-port-offset': { type: 'string' },
        'proxy-protocol': { type: 'string' },
        'log-level': { type: 'string' },
        xferlog: { type: 'string' },
        'xferlog-format': { type: 'string' },
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'implicit-tls': { type: 'boolean' },
        'require-tls': { type: 'boolean' },
        'admin-port': { type: 'string' },
        'admin-host': { type: 'string' },
        'admin-token': { type: 'string' },
        'admin-token-file': { type: 'string' },
        workers: { type: 'string' },
        'worker-scheduling': { type: 'string' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.version) return 'version';

  const backends = [v.memory && '--memory', v.root !== undefined && '--root', v['s3-bucket'] !== undefined && '--s3-bucket'].filter(Boolean);
  if (backends.length > 1) throw new UsageError(`choose one storage: ${backends.join(', ')} given together`);
  const s3Only = ['s3-prefix', 's3-endpoint', 's3-region', 's3-force-path-style', 's3-preset', 's3-resumable-uploads'] as const;
  for (const flag of s3Only) {
    if (v[flag] !== undefined && v['s3-bucket'] === undefined) throw new UsageError(`--${flag} needs --s3-bucket`);
  }
  if (v['no-fsync'] !== undefined && v.root === undefined) throw new UsageError('--no-fsync needs --root');
  let backend: BackendConfig | undefined = v.memory ? { kind: 'memory' } : undefined;
  if (v.root !== undefined) {
    if (!v.root) throw new UsageError('--root needs a directory');
    backend = { kind: 'local', root: v.root, ...(v['no-fsync'] ? { fsync: false } : {}) };
  } else if (v['s3-bucket'] !== undefined) {
    if (!v['s3-bucket']) throw new UsageError('--s3-bucket needs a bucket name');
    backend = {
      kind: 's3',
      bucket: v['s3-bucket'],
      forcePathStyle: v['s3-force-path-style'] ?? false,
      ...(v['s3-prefix'] !== undefined ? { prefix: v['s3-prefix'] } : {}),
      ...(v['s3-endpoint'] !== undefined ? { endpoint: v['s3-endpoint'] } : {}),
      ...(v['s3-region'] !== undefined ? { region: v['s3-region'] } : {}),
      ...(v['s3-preset'] !== undefined ? { preset: s3Preset(v['s3-preset']) } : {}),
      ...(v['s3-resumable-uploads'] ? { resumableUploads: true } : {}),
    };
  }

  const users = (v.user ?? []).map((spec) => {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new UsageError(`--user must be NAME:PASSWORD, got "${spec}"`);
    return { name: spec.slice(0, colon), password: spec.slice(colon + 1) };
  });
  if (v.config === '') throw new UsageError('--config needs a file');
  if (v['users-file'] === '') throw new UsageError('--users-file needs a file');
  if (v.xferlog === '') throw new UsageError('--xferlog needs a file');

  const flags: Flags = { users };
  if (v.config !== undefined) flags.config = v.config;
  if (v['users-file'] !== undefined) flags.usersFile = v['users-file'];
  if (v.host !== undefined) flags.host = v.host;
  if (v.port !== undefined) flags.port = parsePort(v.port, '--port');
  if (backend) flags.backend = backend;
  if (v.anonymous !== undefined) flags.anonymous = v.anonymous;
  if (v['read-only'] !== undefined) flags.readOnly = v['read-only'];
  if (v['passive-ports'] !== undefined) flags.passivePorts = parsePortRange(v['passive-ports'], '--passive-ports');
  if (v['public-host'] !== undefined) flags.publicHost = v['public-host'];
  if (v['passive-port-offset'] !== undefined) {
    if (!/^-?\d{1,5}$/.test(v['passive-port-offset'])) throw new UsageError(`--passive-port-offset must be an integer, got "${v['passive-port-offset']}"`);
    flags.passivePortOffset = Number(v['passive-port-offset']);
  }
  if (v['proxy-protocol'] !== undefined) flags.proxyProtocol = v['proxy-protocol'].split(',').map((block) => block.trim());
  const logLevel = oneOf(v['log-level'], LOG_LEVELS, '--log-level');
  if (logLevel) flags.logLevel = logLevel;
  if (v.xferlog !== undefined) flags.xferlog = v.xferlog;
  const xferlogFormat = oneOf(v['xferlog-format'], XFERLOG_FORMATS, '--xferlog-format');
  if (xferlogFormat) flags.xferlogFormat = xferlogFormat;
  if (v['metrics-port'] !== undefined) flags.metricsPort = parsePort(v['metrics-port'], '--metrics-port');
  if (v['metrics-host'] !== undefined) flags.metricsHost = v['metrics-host'];
  if ((v['tls-cert'] === undefined) !== (v['tls-key'] === undefined) || v['tls-cert'] === '' || v['tls-key'] === '') {
    throw new UsageError('--tls-cert and --tls-key go together, each naming a PEM file');
  }
  if (v['tls-cert'] !== undefined) flags.tlsCertFile = v['tls-cert'];
  if (v['tls-key'] !== undefined) flags.tlsKeyFile = v['tls-key'];
  if (v['implicit-tls'] !== undefined) flags.implicitTls = v['implicit-tls'];
  if (v['require-tls'] !== undefined) flags.requireTls = v['require-tls'];
  if (v['admin-port'] !== undefined) flags.adminPort = parsePort(v['admin-port'], '--admin-port');
  if (v['admin-host'] !== undefined) flags.adminHost = v['admin-host'];
  if (v['admin-token'] !== undefined) flags.adminToken = v['admin-token'];
  if (v['admin-token-file'] === '') throw new UsageError('--admin-token-file needs a file');
  if (v['admin-token-file'] !== undefined) flags.adminTokenFile = v['admin-token-file'];
  if (v.workers !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(v.workers)) throw new UsageError(`--workers must be a positive integer, got "${v.workers}"`);
    flags.workers = Number(v.workers);
  }
  const workerScheduling = oneOf(v['worker-scheduling'], WORKER_SCHEDULINGS, '--worker-scheduling');
  if (workerScheduling) flags.workerScheduling = workerScheduling;
  if (v.redis !== undefined) flags.redis = v.redis;
  return flags;
}
