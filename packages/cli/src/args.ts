/** Command-line flags of the `ftpkit` program: parsing and validation. */
import { parseArgs } from 'node:util';

/** A bad command line; printed as one line and the program exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where files are stored. */
export type BackendConfig =
  | { kind: 'memory' }
  | { kind: 'local'; root: string }
  | {
      kind: 's3';
      bucket: string;
      prefix?: string;
      endpoint?: string;
      region?: string;
      forcePathStyle: boolean;
    };

/** Everything the flags describe. */
export interface CliConfig {
  host: string;
  port: number;
  backend: BackendConfig;
  users: { name: string; password: string }[];
  anonymous: boolean;
  readOnly: boolean;
  passivePorts?: { min: number; max: number };
  publicHost?: string;
  logLevel: LogLevel;
  /** True when no user was given: the demo login is used and printed. */
  demo: boolean;
}

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const USAGE = `Usage: ftpkit [options]

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
  --log-level LEVEL         silent, error, warn, info (default) or debug
  --help                    show this help
`;

/** The login of the no-flags demo. */
export const DEMO_USER = { name: 'demo', password: 'demo' };

function parsePort(text: string, flag: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`${flag} must be a port number (0-65535), got "${text}"`);
  return Number(text);
}

/** Parse argv (without node and the script); throws {@link UsageError}. */
export function parseCommandLine(argv: string[]): CliConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
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
  let backend: BackendConfig = { kind: 'memory' };
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

  let passivePorts: CliConfig['passivePorts'];
  if (v['passive-ports'] !== undefined) {
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(v['passive-ports']);
    const min = Number(m?.[1]);
    const max = Number(m?.[2]);
    if (!m || min < 1 || max > 65535 || min > max) throw new UsageError(`--passive-ports must be MIN-MAX within 1-65535, got "${v['passive-ports']}"`);
    passivePorts = { min, max };
  }

  const logLevel = (v['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  return {
    host: v.host ?? '127.0.0.1',
    port: v.port !== undefined ? parsePort(v.port, '--port') : 2121,
    backend,
    users: users.length > 0 || v.anonymous ? users : [DEMO_USER],
    demo: users.length === 0 && !v.anonymous,
    anonymous: v.anonymous ?? false,
    readOnly: v['read-only'] ?? false,
    logLevel,
    ...(passivePorts ? { passivePorts } : {}),
    ...(v['public-host'] !== undefined ? { publicHost: v['public-host'] } : {}),
  };
}
