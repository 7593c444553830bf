/**
 * The servers under test, each started as its own process on loopback over the same
 * directory. A peer that is not installed is skipped with a notice.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeStatus } from '@ftpkit/native';
import type { CertFiles } from './certs.js';
import type { Target } from './ftp-client.js';
import { startProcess, stopProcess, waitForBanner } from './proc.js';

export interface RunningServer {
  pid: number;
  target: Target;
  /** Ask a Node server to collect garbage, so memory figures show what is retained. */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

/** How a server is started beyond its directory and ports. */
export interface StartOptions {
  /** Offer explicit FTPS (AUTH TLS, optional) with this certificate. */
  tls?: CertFiles;
}

export interface ServerSpec {
  name: string;
  /** Why it cannot run here, or undefined. */
  unavailable(): string | undefined;
  start(dir: string, port: number, passive: string, options?: StartOptions): Promise<RunningServer>;
  /** Worker processes (ftpkit only); the idle-memory scenario runs on single-process servers. */
  workers?: number;
  /** Runs only the scenarios marked `floor` (the Node floor): the others show n/a for it. */
  floorOnly?: boolean;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const HOST = '127.0.0.1';
const USER = 'bench';
const PASSWORD = 'bench-password';
const PYTHON = '/usr/bin/python3';
const VSFTPD = '/usr/sbin/vsftpd';
const SECURE_CHROOT = '/var/run/vsftpd/empty';

export async function running(child: ChildProcess, target: Target, ipc: boolean): Promise<RunningServer> {
  try {
    await waitForBanner(target.host, target.port);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return {
    pid: child.pid!,
    target,
    collectGarbage: () =>
      ipc
        ? new Promise((resolve) => {
            child.once('message', () => resolve());
            child.send('gc');
          })
        : Promise.resolve(),
    stop: () => stopProcess(child),
  };
}

function nodeServer(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each Node server into DIR;
  // BENCH_NODE_FLAGS adds Node or V8 flags (space-separated), for A/B runs of them.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return startProcess(process.execPath, [...profile, ...extra, '--expose-gc', '--import', 'tsx', join(here, 'servers', script), ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...env },
  });
}

/**
 * ftpkit on `workers` processes; `native: false` runs it with FTPKIT_NATIVE=0 (without
 * the @ftpkit/native addon), for an A/B in the same run.
 */
function ftpkit(workers: number, native = true): ServerSpec {
  return {
    name: `ftpkit${workers === 1 ? '' : ` ×${workers}`}${native ? '' : ' (no addon)'}`,
    workers,
    unavailable: () => {
      if (native) return undefined;
      const { loaded, reason } = nativeStatus();
      return loaded ? undefined : `@ftpkit/native is not in use here (${reason}): ftpkit already runs without it`;
    },
    async start(dir, port, passive, options) {
      const tls = options?.tls ? [options.tls.certFile, options.tls.keyFile] : [];
      const args = [String(port), dir, USER, PASSWORD, String(workers), passive, ...tls];
      const child = nodeServer('ftpkit.ts', args, native ? {} : { FTPKIT_NATIVE: '0' });
      return running(child, { host: HOST, port, user: USER, password: PASSWORD }, workers === 1);
    },
  };
}

const ftpSrv: ServerSpec = {
  name: 'ftp-srv',
  unavailable: () => undefined,
  async start(dir, port, passive, options) {
    if (options?.tls) throw new Error('not set up for FTPS here');
    const child = nodeServer('ftp-srv.ts', [String(port), dir, USER, PASSWORD, passive]);
    return running(child, { host: HOST, port, user: USER, password: PASSWORD }, true);
  },
};

/**
 * A bare Node `net` server answering logins and small downloads and nothing else
 * (`servers/node-floor.ts`): the CPU per operation that Node's sockets and reads cost
 * any server written for it, ftpkit's floor in those scenarios.
 */
const nodeFloor: ServerSpec = {
  name: 'node floor',
  floorOnly: true,
  unavailable: () => undefined,
  async start(dir, port, _passive, options) {
    const tls = options?.tls ? [options.tls.certFile, options.tls.keyFile] : [];
    const child = nodeServer('node-floor.ts', [String(port), dir, USER, PASSWORD, ...tls]);
    return running(child, { host: HOST, port, user: USER, password: PASSWORD }, true);
  },
};

/**
 * BENCH_BASELINE=DIR: another ftpkit checkout, installed and built (`pnpm install`), run
 * by its own `bench/servers/ftpkit.ts` as `ftpkit (baseline)` beside this one, so a
 * change is measured against an earlier commit in the same run (a checkout without FTPS
 * in that script fails the TLS scenarios).
 */
function baseline(dir: string): ServerSpec {
  return {
    name: 'ftpkit (baseline)',
    unavailable: () => (existsSync(join(dir, 'bench/servers/ftpkit.ts')) ? undefined : `${dir} has no bench/servers/ftpkit.ts`),
    async start(root, port, passive, options) {
      const tls = options?.tls ? [options.tls.certFile, options.tls.keyFile] : [];
      const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', join(process.env.BENCH_CPU_PROF, 'baseline')] : [];
      const child = startProcess(process.execPath, [...profile, '--expose-gc', '--import', 'tsx', join(dir, 'bench/servers/ftpkit.ts'), String(port), root, USER, PASSWORD, '1', passive, ...tls], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        cwd: dir,
      });
      return running(child, { host: HOST, port, user: USER, password: PASSWORD }, true);
    },
  };
}

const pyftpdlib: ServerSpec = {
  name: 'pyftpdlib',
  unavailable: () =>
    spawnSync(PYTHON, ['-c', 'import pyftpdlib']).status === 0
      ? undefined
      : 'python3-pyftpdlib is not installed (apt-get install python3-pyftpdlib)',
  async start(dir, port, passive, options) {
    const tls = options?.tls ? [options.tls.bothFile] : [];
    const child = startProcess(PYTHON, [join(here, 'servers', 'pyftpd.py'), String(port), dir, USER, PASSWORD, passive, ...tls]);
    return running(child, { host: HOST, port, user: USER, password: PASSWORD }, false);
  },
};

const vsftpd: ServerSpec = {
  name: 'vsftpd',
  unavailable: () => {
    if (!existsSync(VSFTPD)) return 'vsftpd is not installed (apt-get install vsftpd)';
    if (userInfo().uid !== 0) return 'vsftpd needs root to chroot its anonymous user';
    if (!existsSync(SECURE_CHROOT)) return `vsftpd's ${SECURE_CHROOT} is missing`;
    return undefined;
  },
  async start(dir, port, passive, options) {
    const [min, max] = passive.split('-');
    // Anonymous FTPS may be used, never required. vsftpd 3.0.3's default cipher list
    // (DES-CBC3-SHA) is refused by current OpenSSL, and its session-reuse check trips on
    // TLS 1.3 data connections.
    const tls = options?.tls
      ? ['ssl_enable=YES', `rsa_cert_file=${options.tls.bothFile}`, 'allow_anon_ssl=YES', 'force_anon_logins_ssl=NO',
         'force_anon_data_ssl=NO', 'ssl_ciphers=HIGH', 'require_ssl_reuse=NO']
      : [];
    const config = join(mkdtempSync(join(tmpdir(), 'ftpkit-bench-vsftpd-')), 'vsftpd.conf');
    // Anonymous login: no password hashing, so logins compare like for like with the
    // plain-text user checks of the other servers. sendfile is on by default.
    writeFileSync(
      config,
      [
        'listen=YES',
        `listen_address=${HOST}`,
        `listen_port=${port}`,
        'background=NO',
        'anonymous_enable=YES',
        'local_enable=NO',
        `anon_root=${dir}`,
        'no_anon_password=YES',
        'write_enable=YES',
        'anon_upload_enable=YES',
        'anon_other_write_enable=YES',
        'anon_mkdir_write_enable=YES',
        'pasv_enable=YES',
        `pasv_min_port=${min}`,
        `pasv_max_port=${max}`,
        'max_clients=0',
        'max_per_ip=0',
        'xferlog_enable=NO',
        'dirmessage_enable=NO',
        // Containers often lack the syscalls vsftpd's seccomp filter expects.
        'seccomp_sandbox=NO',
        `secure_chroot_dir=${SECURE_CHROOT}`,
        ...tls,
        '',
      ].join('\n'),
    );
    const child = startProcess(VSFTPD, [config]);
    return running(child, { host: HOST, port, user: 'anonymous', password: 'bench@' }, false);
  },
};

/** Every server but pure-ftpd (servers/pure-ftpd.ts), in the column order of the table. */
export const BUILT_IN_SERVERS: ServerSpec[] = [
  ftpkit(1),
  ftpkit(1, false),
  ftpkit(2),
  ...(process.env.BENCH_BASELINE ? [baseline(process.env.BENCH_BASELINE)] : []),
  nodeFloor,
  pyftpdlib,
  vsftpd,
  ftpSrv,
];
