/** Command-line flags of the `ftpkit` program: parsing and validation. */
import { parseArgs } from 'node:util';

/** A bad command line or config file; printed as one line and the program exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where files are stored. */
export type BackendConfig =
  | { kind: 'memory' }
  | { kind: 'local'; root: string; uploadPolicy?: 'atomic' | 'in-place' }
  | {
      kind: 's3';
      bucket: string;
      prefix?: string;
      endpoint?: string;
      region?: string;
      forcePathStyle: boolean;
    };

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const XFERLOG_FORMATS = ['xferlog', 'json'] as const;
export type XferlogFormat = (typeof XFERLOG_FORMATS)[number];
export const WORKER_SCHEDULINGS = ['round-robin', 'os'] as const;
export type WorkerScheduling = (typeof WORKER_SCHEDULINGS)[number];

/** What the flags say; absent fields leave the config file's value (or the default). */
export interface Flags {
  config?: string;
  host?: string;
  port?: number;
  backend?: BackendConfig;
  /** `--user NAME:PASSWORD`, plain passwords. */
  users: { name: string; password: string }[];
  anonymous?: boolean;
  readOnly?: boolean;
  passivePorts?: { min: number; max: number };
  publicHost?: string;
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
  --s3-bucket NAME          serve an S3 bucket
    --s3-prefix P             key prefix inside the bucket
    --s3-endpoint URL         S3-compatible endpoint (MinIO, R2, ...)
    --s3-region R             region (default from the AWS environment, else us-east-1)
    --s3-force-path-style     path-style requests (most S3-compatible servers)
  --user NAME:PASSWORD      add a user (repeatable); without any, a demo user is printed
  --anonymous               allow anonymous read-only logins
  --read-only               every user may only list and download
  --passive-ports MIN-MAX   passive data port range
  --public-host HOST        address advertised in PASV replies
  --tls-cert FILE           TLS certificate chain (PEM): enables FTPS (AUTH TLS)
  --tls-key FILE            TLS private key (PEM)
  --implicit-tls            TLS from the first byte (implicit FTPS) on --port
  --require-tls             refuse logins and transfers without TLS (and PROT P)
  --log-level LEVEL         silent, error, warn, info (default) or debug
  --xferlog FILE            append one line per file transfer to FILE
  --xferlog-format FORMAT   xferlog (vsftpd/wu-ftpd lines, default) or json
  --metrics-port N          serve Prometheus metrics on http://127.0.0.1:N/metrics
  --metrics-host ADDR       address of the metrics endpoint (default 127.0.0.1)
  --workers N               serve from N processes, one per core (default 1); needs
                            --root or --s3-bucket and --passive-ports with >= N ports
  --worker-scheduling WHO   round-robin (default: the primary deals connections evenly)
                            or os (each worker accepts itself: cheaper, less even)
  --redis URL               share bans, session caps, quotas and bandwidth limits with
                            every node using this Redis (redis:// or rediss://); the
                            password comes from FTPKIT_REDIS_PASSWORD, never from argv
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

/** Parse argv (without node and the script); throws {@link UsageError}. */
export function parseCommandLine(argv: string[]): Flags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        memory: { type: 'boolean' },
        root: { type: 'string' },
        's3-bucket': { type: 'string' },
        's3-prefix': { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-region': { type: 'string' },
        's3-force-path-style': { type: 'boolean' },
        user: { type: 'string', multiple: true },
        anonymous: { type: 'boolean' },
        'read-only': { type: 'boolean' },
        'passive-ports': { type: 'string' },
        'public-host': { type: 'string' },
        'log-level': { type: 'string' },
        xferlog: { type: 'string' },
        'xferlog-format': { type: 'string' },
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'implicit-tls': { type: 'boolean' },
        'require-tls': { type: 'boolean' },
        workers: { type: 'string' },
        'worker-scheduling': { type: 'string' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const v = parsed.values;
  if (v.help) return 'help';

  const backends = [v.memory && '--memory', v.root !== undefined && '--root', v['s3-bucket'] !== undefined && '--s3-bucket'].filter(Boolean);
  if (backends.length > 1) throw new UsageError(`choose one storage: ${backends.join(', ')} given together`);
  const s3Only = ['s3-prefix', 's3-endpoint', 's3-region', 's3-force-path-style'] as const;
  for (const flag of s3Only) {
    if (v[flag] !== undefined && v['s3-bucket'] === undefined) throw new UsageError(`--${flag} needs --s3-bucket`);
  }
  let backend: BackendConfig | undefined = v.memory ? { kind: 'memory' } : undefined;
  if (v.root !== undefined) {
    if (!v.root) throw new UsageError('--root needs a directory');
    backend = { kind: 'local', root: v.root };
  } else if (v['s3-bucket'] !== undefined) {
    if (!v['s3-bucket']) throw new UsageError('--s3-bucket needs a bucket name');
    backend = {
      kind: 's3',
      bucket: v['s3-bucket'],
      forcePathStyle: v['s3-force-path-style'] ?? false,
      ...(v['s3-prefix'] !== undefined ? { prefix: v['s3-prefix'] } : {}),
      ...(v['s3-endpoint'] !== undefined ? { endpoint: v['s3-endpoint'] } : {}),
      ...(v['s3-region'] !== undefined ? { region: v['s3-region'] } : {}),
    };
  }

  const users = (v.user ?? []).map((spec) => {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new UsageError(`--user must be NAME:PASSWORD, got "${spec}"`);
    return { name: spec.slice(0, colon), password: spec.slice(colon + 1) };
  });
  if (v.config === '') throw new UsageError('--config needs a file');
  if (v.xferlog === '') throw new UsageError('--xferlog needs a file');

  const flags: Flags = { users };
  if (v.config !== undefined) flags.config = v.config;
  if (v.host !== undefined) flags.host = v.host;
  if (v.port !== undefined) flags.port = parsePort(v.port, '--port');
  if (backend) flags.backend = backend;
  if (v.anonymous !== undefined) flags.anonymous = v.anonymous;
  if (v['read-only'] !== undefined) flags.readOnly = v['read-only'];
  if (v['passive-ports'] !== undefined) flags.passivePorts = parsePortRange(v['passive-ports'], '--passive-ports');
  if (v['public-host'] !== undefined) flags.publicHost = v['public-host'];
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
  if (v.workers !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(v.workers)) throw new UsageError(`--workers must be a positive integer, got "${v.workers}"`);
    flags.workers = Number(v.workers);
  }
  const workerScheduling = oneOf(v['worker-scheduling'], WORKER_SCHEDULINGS, '--worker-scheduling');
  if (workerScheduling) flags.workerScheduling = workerScheduling;
  if (v.redis !== undefined) flags.redis = v.redis;
  return flags;
}
